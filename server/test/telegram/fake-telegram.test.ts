import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, GrammyError, InputFile, webhookCallback } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { attachedFile, FakeTelegram } from '../../src/testing/fake-telegram/index.js';

const TOKEN = '123456:TEST-token_abc';
const CHAT = 4242;

let fake: FakeTelegram;
let apiRoot: string;
const stoppers: Array<() => Promise<unknown>> = [];

beforeEach(async () => {
  fake = new FakeTelegram();
  ({ apiRoot } = await fake.start());
  fake.addBot({ token: TOKEN, username: 'secretary_test_bot', firstName: 'Secretary' });
});

afterEach(async () => {
  for (const stop of stoppers.splice(0).reverse()) await stop();
  await fake.close();
});

function newBot(token = TOKEN): Bot {
  return new Bot(token, { client: { apiRoot } });
}

/** bot.start() in the background (its promise wrapped, or awaiting this would await the polling); stopped after the test. */
async function startPolling(bot: Bot): Promise<{ running: Promise<void> }> {
  let started!: () => void;
  const onStart = new Promise<void>((resolve) => (started = resolve));
  const running = bot.start({ timeout: 2, onStart: () => started() });
  running.catch(() => {});
  stoppers.push(() => (bot.isRunning() ? bot.stop() : Promise.resolve()));
  await onStart;
  return { running };
}

async function post(method: string, init: RequestInit, token = TOKEN) {
  const response = await fetch(`${apiRoot}/bot${token}/${method}`, { method: 'POST', ...init });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const json = (body: unknown): RequestInit => ({
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('FakeTelegram with the real grammY', () => {
  it('answers getMe for a known token', async () => {
    const me = await newBot().api.getMe();
    expect(me).toMatchObject({ is_bot: true, username: 'secretary_test_bot', first_name: 'Secretary' });
  });

  it('long polling through bot.start() receives a user message and ctx.reply reaches the fake', async () => {
    const bot = newBot();
    bot.on('message:text', (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
    await startPolling(bot);
    fake.userSends(TOKEN, { chatId: CHAT, text: 'hello' });
    const call = await fake.waitForCall('sendMessage');
    expect(call.params).toMatchObject({ chat_id: CHAT, text: 'echo: hello' });
    expect(fake.messagesTo(CHAT)).toEqual(['echo: hello']);
    await bot.stop();
    expect(fake.pendingUpdates(TOKEN)).toEqual([]);
  });

  it('marks /commands with bot_command entities so bot.command() matches', async () => {
    const bot = newBot();
    bot.command('start', (ctx) => ctx.reply('welcome'));
    await startPolling(bot);
    fake.userSends(TOKEN, { chatId: CHAT, text: '/start' });
    await fake.waitForCall('sendMessage', (call) => call.params.text === 'welcome');
  });

  it('redelivers an update that was never confirmed by an offset', async () => {
    const sent = fake.userSends(TOKEN, { chatId: CHAT, text: 'do not lose me' });
    const first = await newBot().api.getUpdates({ timeout: 0 });
    expect(first.map((u) => u.update_id)).toEqual([sent.update_id]);
    expect(fake.pendingUpdates(TOKEN)).toHaveLength(1);

    const bot = newBot();
    const seen: number[] = [];
    bot.on('message', (ctx) => void seen.push(ctx.update.update_id));
    await startPolling(bot);
    await expect.poll(() => seen).toEqual([sent.update_id]);
    await bot.stop();
    expect(fake.pendingUpdates(TOKEN)).toEqual([]);
    expect(await newBot().api.getUpdates({ timeout: 0 })).toEqual([]);
  });

  it('holds getUpdates until an update arrives, and answers [] after the timeout', async () => {
    const api = newBot().api;
    const startedAt = Date.now();
    const held = api.getUpdates({ timeout: 5 });
    setTimeout(() => fake.userSends(TOKEN, { chatId: CHAT, text: 'late' }), 150);
    expect((await held)[0]?.message?.text).toBe('late');
    expect(Date.now() - startedAt).toBeLessThan(2000);
    const empty = await api.getUpdates({ offset: (await held)[0]!.update_id + 1, timeout: 1 });
    expect(empty).toEqual([]);
  });

  it('receives sendVoice with an InputFile as multipart, with the exact bytes', async () => {
    const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7) % 256));
    const message = await newBot().api.sendVoice(CHAT, new InputFile(bytes, 'reply.ogg'), { duration: 3 });
    const call = await fake.waitForCall('sendVoice');
    expect(call.params.chat_id).toBe(CHAT);
    expect(attachedFile(call, 'voice')?.equals(bytes)).toBe(true);
    expect(message.voice).toMatchObject({ duration: 3, file_size: bytes.length });
    expect(fake.file(message.voice.file_id)?.bytes.equals(bytes)).toBe(true);
  });

  it('serves a user voice note through getFile and the file download URL', async () => {
    const ogg = Buffer.from('OggS fake opus payload');
    const update = fake.userSendsVoice(TOKEN, { chatId: CHAT, ogg, duration: 2 });
    const file = await newBot().api.getFile(update.message!.voice!.file_id);
    expect(file.file_size).toBe(ogg.length);
    const response = await fetch(`${apiRoot}/file/bot${TOKEN}/${file.file_path}`);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(ogg)).toBe(true);
    expect((await fetch(`${apiRoot}/file/bot${TOKEN}/voice/nope.oga`)).status).toBe(404);
  });

  it('refuses getFile for files over 20 MB', async () => {
    const update = fake.userSendsVoice(TOKEN, { chatId: CHAT, ogg: Buffer.alloc(10), duration: 900, fileSize: 21e6 });
    const error = await newBot()
      .api.getFile(update.message!.voice!.file_id)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GrammyError);
    expect(error).toMatchObject({ error_code: 400, description: 'Bad Request: file is too big' });
  });

  it('answers 429 with retry_after, which auto-retry rides out', async () => {
    fake.failNext('sendMessage', 1, { status: 429, retryAfter: 1 });
    const bot = newBot();
    bot.api.config.use(autoRetry());
    await bot.api.sendMessage(CHAT, 'eventually');
    expect(fake.calls('sendMessage').map((call) => call.status)).toEqual([429, 200]);
    const plain = newBot();
    fake.failNext('sendMessage', 1, { status: 429, retryAfter: 7 });
    await expect(plain.api.sendMessage(CHAT, 'x')).rejects.toMatchObject({
      error_code: 429,
      description: 'Too Many Requests: retry after 7',
      parameters: { retry_after: 7 },
    });
  });

  it('enforces a per-second rate limit on sendMessage', async () => {
    fake.rateLimit(TOKEN, 3);
    const bot = newBot();
    bot.api.config.use(autoRetry());
    await Promise.all(Array.from({ length: 5 }, (_, i) => bot.api.sendMessage(CHAT, `m${i}`)));
    expect(fake.messagesTo(CHAT)).toHaveLength(5);
    expect(fake.calls('sendMessage').filter((call) => call.status === 429).length).toBeGreaterThanOrEqual(2);
  });

  it('answers 401 after revoke, as a GrammyError, and ends polling with it', async () => {
    const bot = newBot();
    const { running } = await startPolling(bot);
    fake.revoke(TOKEN);
    await expect(running).rejects.toMatchObject({ error_code: 401 });
    const error = await newBot()
      .api.getMe()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GrammyError);
    expect(error).toMatchObject({ error_code: 401, description: 'Unauthorized' });
  });

  it('accepts sendMessageDraft in a private chat, refuses it in a group, and can pretend not to know it', async () => {
    const api = newBot().api;
    await expect(api.sendMessageDraft(CHAT, 7, 'thinking')).resolves.toBe(true);
    fake.userSends(TOKEN, { chatId: -1001, text: 'hi all', chatType: 'group' });
    await expect(api.sendMessageDraft(-1001, 7, 'x')).rejects.toMatchObject({ error_code: 400 });
    await expect(api.sendMessageDraft(CHAT, 0, 'x')).rejects.toMatchObject({ error_code: 400 });
    fake.disableMethod('sendMessageDraft');
    await expect(api.sendMessageDraft(CHAT, 7, 'x')).rejects.toMatchObject({
      error_code: 404,
      description: 'Not Found',
    });
  });

  it('edits messages and refuses an identical edit', async () => {
    const api = newBot().api;
    const sent = await api.sendMessage(CHAT, 'draft');
    await api.editMessageText(CHAT, sent.message_id, 'final');
    expect(fake.messagesTo(CHAT)).toEqual(['final']);
    await expect(api.editMessageText(CHAT, sent.message_id, 'final')).rejects.toMatchObject({
      error_code: 400,
      description: expect.stringContaining('Bad Request: message is not modified') as unknown,
    });
  });

  it('validates text length and HTML markup', async () => {
    const api = newBot().api;
    await expect(api.sendMessage(CHAT, 'x'.repeat(4097))).rejects.toMatchObject({
      description: 'Bad Request: message is too long',
    });
    await expect(api.sendMessage(CHAT, '<b>open', { parse_mode: 'HTML' })).rejects.toMatchObject({
      description: expect.stringContaining("Bad Request: can't parse entities") as unknown,
    });
    const ok = await api.sendMessage(CHAT, '<b>bold</b> &lt;ok&gt;', { parse_mode: 'HTML' });
    expect(ok).toMatchObject({ text: 'bold <ok>', entities: [{ type: 'bold', offset: 0, length: 4 }] });
  });

  it('speaks urlencoded bodies and the Bot API error envelope', async () => {
    const form = { headers: { 'content-type': 'application/x-www-form-urlencoded' } };
    const sent = await post('sendMessage', { ...form, body: `chat_id=${CHAT}&text=${encodeURIComponent('hi there')}` });
    expect(sent).toMatchObject({ status: 200, body: { ok: true, result: { text: 'hi there', chat: { id: CHAT } } } });
    expect(await post('noSuchMethod', json({}))).toEqual({
      status: 404,
      body: { ok: false, error_code: 404, description: 'Not Found' },
    });
    expect(await post('sendMessage', json({ chat_id: CHAT }))).toMatchObject({
      status: 400,
      body: { ok: false, error_code: 400, description: 'Bad Request: message text is empty' },
    });
    expect((await post('getMe', json({}), '1:unknown')).status).toBe(401);
    const viaGet = await fetch(`${apiRoot}/bot${TOKEN}/sendmessage?chat_id=${CHAT}&text=query`);
    expect(await viaGet.json()).toMatchObject({ ok: true, result: { text: 'query' } });
  });

  it('decodes multipart fields sent by a plain FormData', async () => {
    const form = new FormData();
    form.set('chat_id', String(CHAT));
    form.set('text', '[1] true');
    form.set('reply_markup', JSON.stringify({ inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] }));
    const sent = await post('sendMessage', { body: form });
    expect(sent.body).toMatchObject({
      ok: true,
      result: { text: '[1] true', reply_markup: { inline_keyboard: [[{ text: 'A' }]] } },
    });
    expect(fake.calls('sendMessage')[0]?.params).toMatchObject({ chat_id: CHAT, text: '[1] true' });
  });

  it('stores commands per language', async () => {
    const api = newBot().api;
    await api.setMyCommands([{ command: 'start', description: 'Начать' }], { language_code: 'ru' });
    await api.setMyCommands([{ command: 'start', description: 'Start' }]);
    expect(await api.getMyCommands({ language_code: 'ru' })).toEqual([{ command: 'start', description: 'Начать' }]);
    expect(fake.commands(TOKEN)).toEqual([{ command: 'start', description: 'Start' }]);
  });

  it('delivers callback queries and accepts their answer', async () => {
    const bot = newBot();
    bot.on('callback_query:data', (ctx) => ctx.answerCallbackQuery({ text: `got ${ctx.callbackQuery.data}` }));
    await startPolling(bot);
    fake.userPresses(TOKEN, { chatId: CHAT, data: 'menu:prices' });
    const call = await fake.waitForCall('answerCallbackQuery');
    expect(call.status).toBe(200);
  });

  it('hangs a request on demand until the client gives up', async () => {
    fake.failNext('getMe', 1, { hang: true });
    const hung = fetch(`${apiRoot}/bot${TOKEN}/getMe`, { signal: AbortSignal.timeout(300) });
    await expect(hung).rejects.toThrow();
    await expect(newBot().api.getMe()).resolves.toMatchObject({ is_bot: true });
  });

  it('rejects waitForCall with the recent calls listed', async () => {
    await newBot().api.getMe();
    await expect(fake.waitForCall('sendVoice', undefined, 50)).rejects.toThrow(/no sendVoice call.*\n.*getMe 200/);
  });
});

describe('FakeTelegram webhooks', () => {
  async function listen(handler: http.RequestListener): Promise<string> {
    const server = http.createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    stoppers.push(() => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    });
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/telegram`;
  }

  it('POSTs updates with the secret header to grammY webhookCallback; getUpdates answers 409', async () => {
    const bot = newBot();
    bot.on('message:text', (ctx) => ctx.reply(`via webhook: ${ctx.message.text}`));
    const handleUpdate = webhookCallback(bot, 'http', { secretToken: 's3cret_token' });
    const url = await listen((req, res) => void handleUpdate(req, res));
    await bot.api.setWebhook(url, { secret_token: 's3cret_token' });
    fake.userSends(TOKEN, { chatId: CHAT, text: 'ping' });
    await fake.waitForCall('sendMessage', (call) => call.params.text === 'via webhook: ping');
    await expect.poll(() => fake.pendingUpdates(TOKEN)).toEqual([]);
    await expect(bot.api.getUpdates()).rejects.toMatchObject({ error_code: 409 });
    expect((await bot.api.getWebhookInfo()).url).toBe(url);
  });

  it('retries a delivery the endpoint refused, with the same update', async () => {
    const received: Array<{ id: number; secret: string | undefined }> = [];
    const url = await listen((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const secret = req.headers['x-telegram-bot-api-secret-token'] as string | undefined;
        received.push({
          id: (JSON.parse(Buffer.concat(chunks).toString()) as { update_id: number }).update_id,
          secret,
        });
        res.writeHead(received.length === 1 ? 500 : 200).end();
      });
    });
    await newBot().api.setWebhook(url, { secret_token: 'abc' });
    const update = fake.userSends(TOKEN, { chatId: CHAT, text: 'again' });
    await expect.poll(() => received.length).toBe(2);
    expect(received).toEqual([
      { id: update.update_id, secret: 'abc' },
      { id: update.update_id, secret: 'abc' },
    ]);
    const info = await newBot().api.getWebhookInfo();
    expect(info.last_error_message).toContain('500');
  });
});
