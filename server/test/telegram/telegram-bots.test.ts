import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TelegramBotView, TelegramTurnView } from '@ai-secretary/protocol';
import { createFakeLlm, type FakeLlm } from '../../src/testing/fake-llm.js';
import type { FakeTelegram } from '../../src/testing/fake-telegram/index.js';
import { createTestDatabase, createTestRuntime, type TestDatabase, type TestRuntime } from '../helpers/runtime.js';
import { botToken, sentTexts, startFakeTelegram, telegramApi } from './helpers.js';

// Real bot processes (grammY) on a shared machine: generous limits, no timing asserted.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

const REPLY = ['We ', 'open ', 'at ', 'nine ', 'tomorrow.'];

describe('Telegram bots: supervised grammY processes against a fake Bot API', () => {
  let fake: FakeTelegram;
  let llm: FakeLlm;
  let database: TestDatabase;
  let rt: TestRuntime;
  let api: ReturnType<typeof telegramApi>;

  const boot = async () => {
    rt = await createTestRuntime({
      database,
      keepDatabase: true,
      env: {
        TELEGRAM_API_ROOT: fake.apiRoot,
        LLM_BASE_URL: llm.url,
        LLM_MODEL: 'fake-model',
        PROCESS_HEARTBEAT_INTERVAL_MS: '1000',
      },
    });
    await rt.app.listen({ port: 0, host: '127.0.0.1' });
    api = telegramApi(rt, await rt.adminToken());
  };

  beforeAll(async () => {
    fake = await startFakeTelegram();
    llm = await createFakeLlm({ tokens: REPLY });
    database = createTestDatabase();
    await boot();
  });
  afterAll(async () => {
    await rt?.dispose();
    await database.drop();
    await llm.close();
    await fake.close();
  });

  const create = async (body: Record<string, unknown>) => api.call('POST', '/bots', body);

  it('refuses bad bots with clear 400s: malformed or refused token, missing name, unknown persona', async () => {
    const token = botToken();
    fake.addBot({ token, username: 'shop_bot' });
    const malformed = await create({ name: 'Shop', token: 'not-a-token' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    const refused = await create({ name: 'Shop', token: botToken() }); // the fake does not know it
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ error: { code: 'TELEGRAM_TOKEN_REJECTED' } });
    expect((await create({ token })).statusCode).toBe(400);
    const persona = await create({ name: 'Shop', token, persona: 'no-such-persona' });
    expect(persona.statusCode).toBe(400);
    expect(persona.json().error.message).toContain('no-such-persona');
    expect((await api.call('GET', '/bots')).json<{ items: unknown[] }>().items).toEqual([]);
  });

  let bot: TelegramBotView;
  let token: string;
  const CHAT = 5001;

  it('creates a bot (token checked, never returned), runs it and answers a message with a streamed reply', async () => {
    token = botToken();
    fake.addBot({ token, username: 'support_bot' });
    const created = await create({ name: 'Support', token, rateLimit: { messages: 100, windowSeconds: 60 } });
    expect(created.statusCode).toBe(201);
    bot = created.json<TelegramBotView>();
    expect(bot).toMatchObject({ name: 'Support', username: 'support_bot', persona: 'secretary', autoStart: true });
    expect(created.body).not.toContain(token);
    expect(bot.tokenHint).toMatch(/^7\d+:….{4}$/);
    await api.until(bot.id, 'running');
    expect(fake.commands(token, 'ru')?.map((c) => c.command)).toEqual(['start', 'help', 'reset', 'stop']);

    llm.tokenDelayMs = 200; // written over about a second: an instant reply may finish before any draft is due
    try {
      fake.userSends(token, { chatId: CHAT, from: { id: CHAT, firstName: 'Ann' }, text: 'When do you open?' });
      await expect.poll(() => sentTexts(fake, CHAT), { timeout: 60_000 }).toEqual(['We open at nine tomorrow.']);
    } finally {
      llm.tokenDelayMs = 0;
    }
    const drafts = fake.calls('sendMessageDraft').filter((c) => c.params.chat_id === CHAT);
    expect(drafts.length).toBeGreaterThan(0); // seen while written
    expect(llm.requests.at(-1)?.body.messages).toContainEqual({ role: 'user', content: 'When do you open?' });
    await expect.poll(() => fake.pendingUpdates(token).length).toBe(0); // confirmed once stored

    const chats = (await api.call('GET', `/bots/${bot.id}/chats`)).json<{ items: Array<{ chatId: number }> }>();
    expect(chats.items.map((c) => c.chatId)).toEqual([CHAT]);
    const turns = (await api.call('GET', `/bots/${bot.id}/chats/${CHAT}`)).json<{ items: TelegramTurnView[] }>();
    expect(turns.items).toEqual([
      expect.objectContaining({
        kind: 'text',
        text: 'When do you open?',
        reply: 'We open at nine tomorrow.',
        status: 'answered',
      }),
    ]);
  });

  it('falls back to edited messages where drafts are refused, and answers in groups only when mentioned', async () => {
    fake.disableMethod('sendMessageDraft');
    try {
      const chat = 5002;
      fake.userSends(token, { chatId: chat, text: 'Hours?' });
      await expect.poll(() => sentTexts(fake, chat), { timeout: 60_000 }).toHaveLength(1);
      expect(fake.messagesTo(chat)).toEqual(['We open at nine tomorrow.']);
    } finally {
      fake.disableMethod('sendMessageDraft', false);
    }
    const group = -100123;
    fake.userSends(token, { chatId: group, chatType: 'supergroup', from: { id: 42 }, text: 'nobody asked the bot' });
    fake.userSends(token, { chatId: group, chatType: 'supergroup', from: { id: 42 }, text: '@support_bot when?' });
    await expect.poll(() => fake.messagesTo(group), { timeout: 60_000 }).toEqual(['We open at nine tomorrow.']);
    expect(llm.requests.at(-1)?.body.messages).toContainEqual({ role: 'user', content: 'when?' });
  });

  it('rides out a 429 storm and splits replies longer than 4096 characters', async () => {
    fake.failNext('sendMessage', 3, { status: 429, retryAfter: 1 });
    const chat = 5003;
    fake.userSends(token, { chatId: chat, text: 'Again?' });
    await expect.poll(() => fake.messagesTo(chat), { timeout: 60_000 }).toEqual(['We open at nine tomorrow.']);
    expect(fake.calls('sendMessage').filter((c) => c.status === 429).length).toBeGreaterThanOrEqual(3);

    const saved = llm.tokens;
    llm.tokens = Array.from({ length: 300 }, (_, i) => `Sentence number ${i} is here. `);
    try {
      const long = 5004;
      fake.userSends(token, { chatId: long, text: 'Tell me everything' });
      await expect.poll(() => sentTexts(fake, long).length, { timeout: 60_000 }).toBe(3); // 8.7k characters
      const parts = sentTexts(fake, long);
      expect(parts.every((p) => p.length <= 4096)).toBe(true);
      expect(parts[0]).toMatch(/here\.$/); // cut at a sentence
      expect(parts.join(' ')).toBe(llm.tokens.join('').trim());
    } finally {
      llm.tokens = saved;
    }
  });

  it('is restarted after SIGKILL mid-reply and answers that message exactly once', async () => {
    const chat = 5005;
    llm.tokenDelayMs = 300;
    try {
      fake.userSends(token, { chatId: chat, text: 'Slow question' });
      await fake.waitForCall('sendMessageDraft', (c) => c.params.chat_id === chat, 60_000);
      const pid = (await api.bot(bot.id)).pid!;
      process.kill(pid, 'SIGKILL');
      await expect.poll(async () => (await api.bot(bot.id)).pid, { timeout: 90_000 }).not.toBe(pid);
      await api.until(bot.id, 'running');
      await expect.poll(() => sentTexts(fake, chat), { timeout: 90_000 }).toEqual(['We open at nine tomorrow.']);
    } finally {
      llm.tokenDelayMs = 0;
    }
    fake.userSends(token, { chatId: chat, text: 'And after?' });
    await expect.poll(() => sentTexts(fake, chat).length, { timeout: 60_000 }).toBe(2);
    expect((await api.bot(bot.id)).restarts).toBeGreaterThanOrEqual(1);
  });

  it('rides out Telegram answering 5xx to polling and sends, and answers FAQ hits without the model', async () => {
    const chat = 5007;
    fake.failNext('getUpdates', 2, { status: 500 });
    fake.failNext('sendMessage', 2, { status: 500 });
    fake.userSends(token, { chatId: chat, text: 'Still open?' });
    await expect.poll(() => sentTexts(fake, chat), { timeout: 90_000 }).toEqual(['We open at nine tomorrow.']);
    expect(fake.calls('getUpdates').filter((c) => c.status === 500)).toHaveLength(2);

    const faq = await rt.app.inject({
      method: 'POST',
      url: '/api/llm/faq',
      headers: { authorization: `Bearer ${await rt.adminToken()}` },
      payload: { questions: ['where are you located'], answer: 'We are at 1 Main Street.' },
    });
    expect(faq.statusCode).toBe(201);
    const asked = llm.requests.length;
    fake.userSends(token, { chatId: chat, text: 'Where are you located?' });
    await expect.poll(() => sentTexts(fake, chat).at(-1), { timeout: 60_000 }).toBe('We are at 1 Main Street.');
    expect(llm.requests).toHaveLength(asked);
  });

  it('survives malformed and oversized updates: no crash, nothing after them lost', async () => {
    const chat = 5010;
    const pid = (await api.bot(bot.id)).pid;
    const from = { id: chat, is_bot: false, first_name: 'Eve' };
    const message = (extra: Record<string, unknown>) => ({
      message_id: 1,
      date: 1,
      chat: { id: chat, type: 'private' },
      ...extra,
    });
    fake.pushUpdate(token, { message: message({ from, text: 'x'.repeat(40_000) }) });
    fake.pushUpdate(token, { message: message({ text: 'no sender' }) });
    fake.pushUpdate(token, { message: message({ from }) });
    fake.pushUpdate(token, { something_new: { id: 1 } });
    fake.pushUpdate(token, { callback_query: { id: 'q', data: 'menu:99', from, chat_instance: '1' } });
    fake.userSends(token, { chatId: chat, from: { id: chat }, text: 'Still there?' });
    await expect
      .poll(() => sentTexts(fake, chat), { timeout: 60_000 })
      .toEqual(['We open at nine tomorrow.', 'We open at nine tomorrow.']);
    const asked = llm.requests.map((r) => (r.body.messages as Array<{ content: string }>).at(-1)!.content);
    expect(asked).toContainEqual('x'.repeat(16_384)); // cut to what a turn holds, not refused
    expect((await api.bot(bot.id)).pid).toBe(pid);
    await expect.poll(() => fake.pendingUpdates(token).length).toBe(0);
  });

  it('keeps bots and their conversations across an orchestrator restart', async () => {
    await rt.dispose();
    await boot();
    await api.until(bot.id, 'running');
    fake.userSends(token, { chatId: CHAT, text: 'Do you remember me?' });
    await expect.poll(() => sentTexts(fake, CHAT).length, { timeout: 60_000 }).toBe(2);
    const messages = llm.requests.at(-1)?.body.messages as Array<{ role: string; content: string }>;
    expect(messages.map((m) => m.content)).toEqual(
      expect.arrayContaining(['When do you open?', 'We open at nine tomorrow.', 'Do you remember me?']),
    );
  });

  it('says so politely when no model can answer', async () => {
    await llm.setMode('error500');
    try {
      const chat = 5006;
      fake.userSends(token, { chatId: chat, text: 'Anyone there?' });
      await expect
        .poll(() => sentTexts(fake, chat), { timeout: 90_000 })
        .toEqual([expect.stringContaining('cannot answer right now')]);
    } finally {
      await llm.setMode('ok');
    }
  });

  it('a revoked token ends in failed with the reason, not a crash loop', async () => {
    fake.revoke(token);
    await api.call('POST', `/bots/${bot.id}/restart`);
    const failed = await api.until(bot.id, 'failed');
    expect(failed.lastError).toMatch(/refused the token/);
    expect(failed.restarts).toBeLessThan(5);
  });

  it('stops, starts and deletes bots', async () => {
    const second = botToken();
    fake.addBot({ token: second, username: 'quiet_bot' });
    const created = (await create({ name: 'Quiet', token: second, autoStart: false })).json<TelegramBotView>();
    expect(created.status).toBe('stopped');
    expect((await api.call('POST', `/bots/${created.id}/start`)).statusCode).toBe(200);
    await api.until(created.id, 'running');
    expect((await api.call('POST', `/bots/${created.id}/stop`)).json<TelegramBotView>().status).toBe('stopped');
    expect((await api.call('DELETE', `/bots/${created.id}`)).statusCode).toBe(200);
    expect((await api.call('GET', `/bots/${created.id}`)).statusCode).toBe(404);
  });
});
