import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BroadcastView, TelegramSubscriberView } from '@ai-secretary/protocol';
import type { FakeTelegram, SendLimits } from '../../src/testing/fake-telegram/index.js';
import { createTestDatabase, createTestRuntime, type TestDatabase, type TestRuntime } from '../helpers/runtime.js';
import { botToken, startFakeTelegram, telegramApi } from './helpers.js';

// 2,000 sends at Telegram's pace (about 70 s) on a shared machine; nothing timed is asserted.
vi.setConfig({ testTimeout: 400_000, hookTimeout: 120_000 });

const ADMIN = 900_001;
const FIRST_CHAT = 6_000_000_000;
const TOTAL = 2000;
const isUnsubscribed = (i: number) => i % 40 === 7; // 50 of them
const isBlocked = (i: number) => i % 50 === 3; // 40 of them blocked the bot (Telegram answers 403)
const TEXT = 'Spring sale: 20% off every plan this week.';

describe('Telegram broadcasts at Telegram limits', () => {
  let fake: FakeTelegram;
  let limits: SendLimits;
  let database: TestDatabase;
  let rt: TestRuntime;
  let api: ReturnType<typeof telegramApi>;
  let botId: string;
  const token = botToken();

  const boot = async () => {
    rt = await createTestRuntime({
      database,
      keepDatabase: true,
      env: {
        TELEGRAM_API_ROOT: fake.apiRoot,
        JOBS_POLL_MS: '200',
        JOBS_LEASE_MS: '10000',
        TELEGRAM_BULK_PER_SECOND: '28',
      },
    });
    api = telegramApi(rt, await rt.adminToken());
  };
  const broadcast = async (id: string) =>
    (await api.call('GET', `/bots/${botId}/broadcasts/${id}`)).json<BroadcastView>();
  const until = async (id: string, done: (b: BroadcastView) => boolean) => {
    for (;;) {
      const view = await broadcast(id);
      if (done(view)) return view;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };

  beforeAll(async () => {
    fake = await startFakeTelegram();
    fake.addBot({ token, username: 'sales_bot' });
    limits = fake.limits(token, {
      perBotPerSecond: 30,
      perChatPerSecond: 1,
      inject429Every: 97,
      injectedRetryAfterS: 1,
    });
    database = createTestDatabase();
    await boot();
    const created = await api.call('POST', '/bots', { name: 'Sales', token, autoStart: false, adminUsers: [ADMIN] });
    botId = created.json<{ id: string }>().id;
    const subscribers = rt.stores.telegram.subscribers;
    for (let i = 0; i < TOTAL; i++) {
      const chatId = FIRST_CHAT + i;
      await subscribers.upsert({
        ...{ botId, chatId, userId: chatId, userName: null, language: 'en', source: null, status: 'active' },
        ...{ subscribedAt: 1000, updatedAt: 1000 },
      });
      if (isUnsubscribed(i)) await subscribers.setStatus(botId, chatId, 'unsubscribed', 2000);
      if (isBlocked(i)) limits.blocked.add(chatId);
    }
  });
  afterAll(async () => {
    await rt?.dispose();
    await database.drop();
    await fake.close();
  });

  it('refuses bad input in the admin envelope and loses nothing', async () => {
    const post = (url: string, body?: Record<string, unknown>) => api.call('POST', `/bots/${botId}${url}`, body);
    for (const body of [
      { text: '' },
      { text: 'x', extra: 1 },
      { text: 'x', buttonUrl: 'ftp://x' },
      { text: 'x'.repeat(4097) },
    ]) {
      const res = await post('/broadcasts', body);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    }
    const noLabel = await post('/broadcasts', { text: 'x', buttonUrl: 'https://example.com' });
    expect(noLabel.json()).toMatchObject({
      error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/button text/) },
    });
    expect((await api.call('POST', '/bots/nope/broadcasts', { text: 'x' })).statusCode).toBe(404);
    const draft = (await post('/broadcasts', { text: 'draft' })).json<BroadcastView>();
    const start = await post(`/broadcasts/${draft.id}/start`);
    expect(start.statusCode).toBe(409);
    expect(start.json()).toMatchObject({ error: { code: 'BROADCAST_NOT_TESTED' } });
    expect((await api.call('GET', `/bots/${botId}/broadcasts`)).json<{ items: BroadcastView[] }>().items).toHaveLength(
      1,
    );
    expect((await api.call('DELETE', `/bots/${botId}/broadcasts/${draft.id}`)).statusCode).toBe(200);
    expect(fake.calls('sendMessage')).toHaveLength(0);
  });

  it('reaches every active subscriber exactly once under 30/s with injected 429s, marks blocked ones, survives a restart', async () => {
    const created = await api.call('POST', `/bots/${botId}/broadcasts`, { text: TEXT, buttonText: 'See plans' });
    expect(created.statusCode).toBe(201);
    const draft = created.json<BroadcastView>();
    expect(draft).toMatchObject({ status: 'draft', audience: TOTAL - 50, progress: { total: 0 } });

    const tested = await api.call('POST', `/bots/${botId}/broadcasts/${draft.id}/test`);
    expect(tested.json()).toEqual({ items: [{ chatId: ADMIN, ok: true, error: null }] });
    expect(fake.messagesTo(ADMIN)).toEqual([TEXT]);
    const started = await api.call('POST', `/bots/${botId}/broadcasts/${draft.id}/start`);
    expect(started.json()).toMatchObject({ status: 'sending', audience: TOTAL - 50 });

    await until(draft.id, (b) => b.progress.sent + b.progress.blocked >= 600);
    const closedAt = Date.now();
    await rt.close(); // a restart midway: the run stops between sends and resumes in the next process
    const midway = limits.stats.admitted;
    expect(midway).toBeLessThan(TOTAL);
    await boot();
    const bootedAt = Date.now();
    const done = await until(draft.id, (b) => b.status !== 'sending');

    if (process.env.DEBUG_BROADCAST) {
      const rows = await rt.stores.telegramOutreach.broadcasts.recipients(draft.id, 'unconfirmed', 50);
      console.log(
        'closed',
        closedAt,
        'booted',
        bootedAt,
        rows.map((r) => [r.chatId, r.attempts, r.updatedAt, r.error, fake.messagesTo(r.chatId).length]),
      );
    }
    expect(done.status).toBe('done');
    expect(done.progress).toMatchObject({
      total: TOTAL - 50,
      sent: TOTAL - 90,
      blocked: 40,
      failed: 0,
      unconfirmed: 0,
    });
    expect(done.progress.retried).toBeGreaterThan(0);
    const subscribers = (await api.call('GET', `/bots/${botId}/subscribers`)).json<{
      items: TelegramSubscriberView[];
    }>();
    const status = new Map(subscribers.items.map((s) => [s.chatId, s.status]));
    for (let i = 0; i < TOTAL; i++) {
      const chatId = FIRST_CHAT + i;
      const expected = isUnsubscribed(i) || isBlocked(i) ? [] : [TEXT];
      expect(fake.messagesTo(chatId)).toEqual(expected);
      expect(status.get(chatId)).toBe(isUnsubscribed(i) ? 'unsubscribed' : isBlocked(i) ? 'blocked' : 'active');
    }
    expect(limits.stats.injected).toBeGreaterThan(0);
    expect(limits.stats.peakPerSecond).toBeLessThanOrEqual(30);
    const button = fake.calls('sendMessage').find((c) => c.status === 200 && c.params.chat_id === FIRST_CHAT);
    expect(button?.params.reply_markup).toEqual({
      inline_keyboard: [[{ text: 'See plans', callback_data: 'funnel:resume' }]],
    });
  });
});
