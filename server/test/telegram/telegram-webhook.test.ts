import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TelegramBotView } from '@ai-secretary/protocol';
import { createFakeLlm, type FakeLlm } from '../../src/testing/fake-llm.js';
import type { FakeTelegram } from '../../src/testing/fake-telegram/index.js';
import { bearer, createTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { botToken, sentTexts, startFakeTelegram, telegramApi } from './helpers.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

describe('Telegram bots in webhook mode, menus, forms and access rules', () => {
  let fake: FakeTelegram;
  let llm: FakeLlm;
  let rt: TestRuntime;
  let api: ReturnType<typeof telegramApi>;
  let admin: string;
  let base: string;
  let token: string;
  let bot: TelegramBotView;
  const OWNER = 8001;
  const FRIEND = 8002;
  const BLOCKED = 8003;

  beforeAll(async () => {
    fake = await startFakeTelegram();
    llm = await createFakeLlm({ tokens: ['Happy ', 'to help.'] });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    rt = await createTestRuntime({
      env: {
        TELEGRAM_API_ROOT: fake.apiRoot,
        TELEGRAM_WEBHOOK_BASE_URL: base,
        LLM_BASE_URL: llm.url,
        LLM_MODEL: 'fake-model',
      },
    });
    await rt.app.listen({ port, host: '127.0.0.1' });
    admin = await rt.adminToken();
    api = telegramApi(rt, admin);
    token = botToken();
    fake.addBot({ token, username: 'hook_bot' });
    const created = await api.call('POST', '/bots', {
      name: 'Hook',
      token,
      allowedUsers: [OWNER, FRIEND, BLOCKED],
      blockedUsers: [BLOCKED],
      rateLimit: { messages: 3, windowSeconds: 3600 },
      greeting: 'Welcome to the shop.',
      menu: [
        { label: 'Opening hours', action: 'answer', text: 'Mon–Fri 9–18.' },
        { label: 'Call me back', action: 'form' },
        { label: 'Prices', action: 'prompt', text: 'What do you charge?' },
        { label: 'Website', action: 'link', url: 'https://shop.example' },
      ],
    });
    expect(created.statusCode).toBe(201);
    bot = created.json<TelegramBotView>();
    await api.until(bot.id, 'running');
  });
  afterAll(async () => {
    await rt?.dispose();
    await llm?.close();
    await fake?.close();
  });

  const post = (id: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/telegram/webhook/${id}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });

  it('sets a webhook with a per-bot secret and answers the updates Telegram posts to it', async () => {
    expect(bot.transport).toBe('webhook');
    const hook = fake.webhookOf(token)!;
    expect(hook.url).toBe(`${base}/telegram/webhook/${bot.id}`);
    expect(hook.secretToken).toMatch(/^[A-Za-z0-9_-]{20,256}$/);
    fake.userSends(token, { chatId: OWNER, from: { id: OWNER }, text: 'Hello?' });
    await expect.poll(() => sentTexts(fake, OWNER), { timeout: 60_000 }).toEqual(['Happy to help.']);
  });

  it('refuses webhook calls with a wrong or missing secret (401), and bad bodies, losing nothing', async () => {
    const update = JSON.stringify({
      update_id: 900_001,
      message: {
        message_id: 1,
        date: 1,
        chat: { id: OWNER, type: 'private' },
        from: { id: OWNER, is_bot: false, first_name: 'O' },
        text: 'sneaky',
      },
    });
    expect((await post(bot.id, update)).status).toBe(401);
    expect((await post(bot.id, update, { 'x-telegram-bot-api-secret-token': 'wrong' })).status).toBe(401);
    const secret = fake.webhookOf(token)!.secretToken!;
    const auth = { 'x-telegram-bot-api-secret-token': secret };
    expect((await post(bot.id, '{"update_id":', auth)).status).toBe(400);
    expect((await post(bot.id, JSON.stringify({ message: {} }), auth)).status).toBe(400);
    expect((await post(bot.id, JSON.stringify({ update_id: 1, pad: 'x'.repeat(1_100_000) }), auth)).status).toBe(413);
    expect((await post('no-such-bot', update, auth)).status).toBe(404);
    expect(sentTexts(fake, OWNER)).toHaveLength(1); // none of those reached the bot

    const twice = JSON.stringify({
      update_id: 900_002,
      message: {
        message_id: 2,
        date: 1,
        chat: { id: FRIEND, type: 'private' },
        from: { id: FRIEND, is_bot: false, first_name: 'F' },
        text: 'once please',
      },
    });
    expect((await post(bot.id, twice, auth)).status).toBe(200);
    expect((await post(bot.id, twice, auth)).status).toBe(200); // Telegram redelivered it
    await expect.poll(() => sentTexts(fake, FRIEND), { timeout: 60_000 }).toEqual(['Happy to help.']);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sentTexts(fake, FRIEND)).toHaveLength(1);
  });

  it('greets with the menu; buttons answer, ask the persona, or take a call-back request as a message', async () => {
    const chat = OWNER;
    fake.userSends(token, { chatId: chat, from: { id: OWNER }, text: '/start' });
    const greeting = await fake.waitForCall('sendMessage', (c) => c.params.text === 'Welcome to the shop.', 60_000);
    const keyboard = (greeting.params.reply_markup as { inline_keyboard: Array<Array<{ text: string; url?: string }>> })
      .inline_keyboard;
    expect(keyboard.flat().map((b) => b.text)).toEqual(['Opening hours', 'Call me back', 'Prices', 'Website']);
    expect(keyboard.flat()[3]!.url).toBe('https://shop.example');

    fake.userPresses(token, { chatId: chat, from: { id: OWNER }, data: 'menu:0' });
    await fake.waitForCall('sendMessage', (c) => c.params.text === 'Mon–Fri 9–18.', 60_000);
    fake.userPresses(token, { chatId: chat, from: { id: OWNER }, data: 'menu:2' });
    await expect
      .poll(() => llm.requests.at(-1)?.body.messages, { timeout: 60_000 })
      .toContainEqual({ role: 'user', content: 'What do you charge?' });

    fake.userPresses(token, { chatId: chat, from: { id: OWNER }, data: 'menu:1' });
    await fake.waitForCall('sendMessage', (c) => c.params.text === 'What is your name?', 60_000);
    fake.userSends(token, { chatId: chat, from: { id: OWNER }, text: 'Ann Lee' });
    await fake.waitForCall('sendMessage', (c) => String(c.params.text).startsWith('Which phone number'), 60_000);
    fake.userSends(token, { chatId: chat, from: { id: OWNER }, text: 'call me maybe' });
    await fake.waitForCall('sendMessage', (c) => String(c.params.text).startsWith('That does not look like'), 60_000);
    fake.userSends(token, { chatId: chat, from: { id: OWNER }, text: '+44 20 7946 0000' });
    await fake.waitForCall('sendMessage', (c) => String(c.params.text).startsWith('What is it about'), 60_000);
    fake.userSends(token, { chatId: chat, from: { id: OWNER }, text: 'A quote for 20 chairs' });
    await fake.waitForCall('sendMessage', (c) => String(c.params.text).startsWith('Thank you!'), 60_000);
    await expect
      .poll(
        async () =>
          (await rt.app.inject({ method: 'GET', url: '/api/messages', headers: bearer(admin) })).json<{
            items: unknown[];
          }>().items,
        { timeout: 30_000 },
      )
      .toContainEqual(
        expect.objectContaining({
          channel: 'telegram',
          callerName: 'Ann Lee',
          callbackNumber: '+44 20 7946 0000',
          reason: 'A quote for 20 chairs',
        }),
      );
  });

  it('ignores blocked users, refuses strangers and users over their rate limit, politely', async () => {
    fake.userSends(token, { chatId: BLOCKED, from: { id: BLOCKED }, text: 'let me in' });
    const stranger = 8099;
    fake.userSends(token, { chatId: stranger, from: { id: stranger }, text: 'who are you?' });
    await expect
      .poll(() => fake.messagesTo(stranger), { timeout: 60_000 })
      .toEqual([expect.stringContaining('only answers the people')]);
    expect(fake.messagesTo(BLOCKED)).toEqual([]);

    // FRIEND used 1 of 3 messages above
    for (const text of ['two', 'three', 'four']) fake.userSends(token, { chatId: FRIEND, from: { id: FRIEND }, text });
    await expect.poll(() => sentTexts(fake, FRIEND).length, { timeout: 60_000 }).toBe(4);
    expect(sentTexts(fake, FRIEND).at(-1)).toMatch(/faster than I can answer; please try again in \d+ s/);
  });

  it('keeps subscribers: deep-link source, /stop, blocking the bot; exports them as CSV', async () => {
    const [ad, odd] = [8010, 8011];
    fake.userSends(token, {
      chatId: ad,
      from: { id: ad, username: 'spring_fan', languageCode: 'ru' },
      text: '/start ad_spring',
    });
    fake.userSends(token, { chatId: odd, from: { id: odd, firstName: '=cmd, "quoted"' }, text: '/start' });
    await fake.waitForCall('sendMessage', (c) => c.params.chat_id === odd, 60_000);
    fake.userSends(token, { chatId: ad, from: { id: ad }, text: '/stop' });
    await fake.waitForCall(
      'sendMessage',
      (c) => c.params.chat_id === ad && String(c.params.text).includes('unsubscribed'),
      60_000,
    );
    fake.pushUpdate(token, {
      my_chat_member: {
        chat: { id: odd, type: 'private', first_name: 'x' },
        from: { id: odd, is_bot: false, first_name: 'x' },
        date: 1,
        old_chat_member: { status: 'member', user: { id: 1, is_bot: true, first_name: 'Hook' } },
        new_chat_member: { status: 'kicked', until_date: 0, user: { id: 1, is_bot: true, first_name: 'Hook' } },
      },
    });
    const list = async () =>
      (await api.call('GET', `/bots/${bot.id}/subscribers`)).json<{ items: Array<Record<string, unknown>> }>().items;
    await expect
      .poll(async () => (await list()).find((s) => s.chatId === odd)?.status, { timeout: 60_000 })
      .toBe('blocked');
    expect(await list()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          chatId: ad,
          userName: '@spring_fan',
          language: 'ru',
          source: 'ad_spring',
          status: 'unsubscribed',
        }),
        expect.objectContaining({ chatId: odd, userName: '=cmd, "quoted"', source: null, status: 'blocked' }),
      ]),
    );
    const csv = await api.call('GET', `/bots/${bot.id}/subscribers.csv`);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = csv.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'chat_id,user_id,user_name,language,source,status,segment,funnel_step,consent_at,subscribed_at,updated_at',
    );
    expect(lines).toContainEqual(expect.stringMatching(/^8010,8010,@spring_fan,ru,ad_spring,unsubscribed,/));
    expect(lines).toContainEqual(expect.stringMatching(/^8011,8011,"'=cmd, ""quoted""",,,blocked,/)); // no formula
  });

  it('/reset forgets the conversation', async () => {
    fake.userSends(token, { chatId: FRIEND, from: { id: FRIEND }, text: '/reset' });
    await fake.waitForCall(
      'sendMessage',
      (c) => c.params.chat_id === FRIEND && String(c.params.text).startsWith('Done'),
      60_000,
    );
    const memory = await rt.llm.memory.load(`telegram:${bot.id}:${FRIEND}`);
    expect(memory).toEqual([]);
  });
});
