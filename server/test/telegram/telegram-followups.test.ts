import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FollowupRuleView } from '@ai-secretary/protocol';
import { TelegramSubscriberEntity } from '../../src/db/entities/telegram.entity.js';
import type { FakeTelegram } from '../../src/testing/fake-telegram/index.js';
import { createTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { botToken, startFakeTelegram, telegramApi } from './helpers.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const HOUR = 3_600_000;
const MINUTE = 60_000;
/** Monday 10:00 UTC. */
const T0 = Date.UTC(2026, 0, 5, 10, 0);
const EAGER = 7_100_000_001; // on the pricing step, idle since 10:00
const LATE = 7_100_000_002; // on the pricing step, idle since 19:30: due in the quiet hours
const ELSEWHERE = 7_100_000_003; // on another step
const GONE = 7_100_000_004; // pressed /stop
const TEXT = 'Still thinking about a plan? Pick up where you left off.';

describe('Telegram follow-ups on the durable scheduler (fake clock)', () => {
  let fake: FakeTelegram;
  let rt: TestRuntime;
  let api: ReturnType<typeof telegramApi>;
  let botId: string;
  let now = T0;
  const token = botToken();

  /** Moves the clock and runs every job that is due then (the recurring scan, then the sends it schedules). */
  const at = async (ms: number) => {
    now = ms;
    await rt.jobs.runDue();
  };
  const subscriber = async (chatId: number, step: string, lastActivityAt: number, active = true) => {
    await rt.stores.telegram.subscribers.upsert({
      ...{ botId, chatId, userId: chatId, userName: null, language: 'en', source: 'ad-7', status: 'active' },
      ...{ subscribedAt: T0 - HOUR, updatedAt: T0 - HOUR },
    });
    await rt.db.getRepository(TelegramSubscriberEntity).update({ botId, chatId }, { funnelStep: step, lastActivityAt });
    if (!active) await rt.stores.telegram.subscribers.setStatus(botId, chatId, 'unsubscribed', T0);
  };
  const events = async (type: string) =>
    (await rt.stores.telegram.events.list(botId, { types: [type] })).map((e) => e.chatId);

  beforeAll(async () => {
    fake = await startFakeTelegram();
    fake.addBot({ token, username: 'followup_bot' });
    rt = await createTestRuntime({
      clock: () => now,
      env: { TELEGRAM_API_ROOT: fake.apiRoot, JOBS_POLL_MS: '600000', TELEGRAM_FOLLOWUP_SCAN_MS: '60000' },
    });
    api = telegramApi(rt, await rt.adminToken());
    const bot = await api.call('POST', '/bots', { name: 'Sales', token, autoStart: false, timeZone: 'UTC' });
    botId = bot.json<{ id: string }>().id;
  });
  afterAll(async () => {
    await rt?.dispose();
    await fake.close();
  });

  it('refuses bad rules and settings in the admin envelope', async () => {
    const post = (body: Record<string, unknown>) => api.call('POST', `/bots/${botId}/followups`, body);
    const good = { name: 'Pricing nudge', step: 'pricing', afterHours: 2, text: TEXT, buttonText: 'Continue' };
    for (const body of [
      { ...good, step: undefined },
      { ...good, afterHours: 0 },
      { ...good, maxTimes: 21 },
      { ...good, text: '' },
      { ...good, colour: 'red' },
      { ...good, afterHours: '2' },
    ]) {
      const res = await post(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    }
    const zone = await api.call('PATCH', `/bots/${botId}`, { timeZone: 'Mars/Olympus_Mons' });
    expect(zone.json()).toMatchObject({
      error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/time zone/) },
    });
    const quiet = await api.call('PATCH', `/bots/${botId}`, { followupQuietHours: { start: '25:00', end: '09:00' } });
    expect(quiet.statusCode).toBe(400);
    expect((await api.call('POST', '/bots/nope/followups', good)).statusCode).toBe(404);
    expect((await api.call('GET', `/bots/${botId}/followups`)).json()).toEqual({ items: [] });
  });

  it('sends due follow-ups, at most K times, never in quiet hours, and records sent and answered once', async () => {
    const rule = await api.call('POST', `/bots/${botId}/followups`, {
      ...{ name: 'Pricing nudge', step: 'pricing', afterHours: 2, text: TEXT, buttonText: 'Continue', maxTimes: 2 },
    });
    expect(rule.statusCode).toBe(201);
    const ruleId = rule.json<FollowupRuleView>().id;
    await subscriber(EAGER, 'pricing', T0);
    await subscriber(LATE, 'pricing', T0 + 9.5 * HOUR);
    await subscriber(ELSEWHERE, 'welcome', T0);
    await subscriber(GONE, 'pricing', T0, false);

    await at(T0 + HOUR + MINUTE);
    expect(fake.calls('sendMessage')).toHaveLength(0);
    await at(T0 + 2 * HOUR + 2 * MINUTE); // 12:02: the first one is due
    expect(fake.messagesTo(EAGER)).toEqual([TEXT]);
    const call = fake.calls('sendMessage')[0]!;
    expect(call.params.reply_markup).toEqual({
      inline_keyboard: [[{ text: 'Continue', callback_data: 'funnel:resume' }]],
    });

    // 12:30 the user pressed the button: answered, and the next one counts from that activity.
    await rt.db
      .getRepository(TelegramSubscriberEntity)
      .update({ botId, chatId: EAGER }, { lastActivityAt: T0 + 2.5 * HOUR });
    await at(T0 + 4 * HOUR + 5 * MINUTE); // 14:05: not yet (14:30)
    expect(fake.messagesTo(EAGER)).toHaveLength(1);
    expect(await events('followup.answered')).toEqual([EAGER]);
    await at(T0 + 4 * HOUR + 32 * MINUTE);
    expect(fake.messagesTo(EAGER)).toEqual([TEXT, TEXT]);
    await at(T0 + 8 * HOUR); // K = 2: no third one
    await at(T0 + 11 * HOUR);
    expect(fake.messagesTo(EAGER)).toHaveLength(2);

    await at(T0 + 11.6 * HOUR); // 21:36, due at 21:30, but quiet hours (21:00-09:00 in UTC)
    await at(T0 + 16 * HOUR);
    await at(T0 + 22 * HOUR + 59 * MINUTE); // 08:59 next day
    expect(fake.messagesTo(LATE)).toEqual([]);
    await at(T0 + 23 * HOUR + MINUTE); // 09:01
    expect(fake.messagesTo(LATE)).toEqual([TEXT]);

    expect(fake.messagesTo(ELSEWHERE)).toEqual([]);
    expect(fake.messagesTo(GONE)).toEqual([]);
    await at(T0 + 48 * HOUR); // LATE's second (and last) one went at 11:01
    expect(fake.messagesTo(LATE)).toEqual([TEXT, TEXT]);
    expect((await events('followup.sent')).sort()).toEqual([EAGER, EAGER, LATE, LATE]);
    expect(await events('followup.answered')).toEqual([EAGER]);
    api = telegramApi(rt, await rt.adminToken()); // two days later by the fake clock: a fresh sign-in
    const listed = await api.call('GET', `/bots/${botId}/followups`);
    expect(listed.statusCode, listed.body).toBe(200);
    const list = listed.json<{ items: FollowupRuleView[] }>();
    expect(list.items).toMatchObject([{ id: ruleId, sent: 4, answered: 1, maxTimes: 2, step: 'pricing' }]);
  });

  it('a subscriber who blocked the bot is marked blocked and not retried', async () => {
    const blocked = 7_100_000_009;
    fake.limits(token).blocked.add(blocked);
    await subscriber(blocked, 'pricing', now);
    await at(now + 2 * HOUR + MINUTE);
    await at(now + 3 * HOUR);
    const subs = await rt.stores.telegram.subscribers.list(botId);
    expect(subs.find((s) => s.chatId === blocked)?.status).toBe('blocked');
    expect(fake.calls((c) => c.method === 'sendMessage' && c.params.chat_id === blocked)).toHaveLength(1);
  });
});
