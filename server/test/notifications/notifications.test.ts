import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationTargetView } from '@ai-secretary/protocol';
import type { TakenMessage } from '../../src/core/voice/ports.js';
import { FakeHttpReceiver } from '../../src/testing/fake-http-receiver.js';
import { FakeSmtp } from '../../src/testing/fake-smtp.js';
import { FakeTelegram } from '../../src/testing/fake-telegram/index.js';
import { bearer, createTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { notificationsApi, until } from './helpers.js';

const TOKEN = '700000901:AAH' + 'n'.repeat(28) + '0901';
const CHAT = 4242;

let seq = 0;
const message = (reason: string): TakenMessage => ({
  id: `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`,
  conversationId: null,
  channel: 'gsm',
  source: 'llm',
  callerName: 'Anna Petrova',
  callbackNumber: '+79161234567',
  reason,
  createdAt: Date.now(),
  handledAt: null,
  handledBy: null,
});

describe('owner notifications: targets, outbox, retries, quiet hours', () => {
  let rt: TestRuntime;
  let api: ReturnType<typeof notificationsApi>;
  const telegram = new FakeTelegram();
  const smtp = new FakeSmtp();
  const ntfy = new FakeHttpReceiver();
  const discord = new FakeHttpReceiver(204);
  let ntfyUrl: string;
  let discordUrl: string;
  let botId: string;
  let offsetMs = 0;

  beforeAll(async () => {
    await telegram.start();
    await smtp.start();
    ntfyUrl = await ntfy.start();
    discordUrl = `${await discord.start()}/api/webhooks/123/secret-part-abcd`;
    telegram.addBot({ token: TOKEN, username: 'owner_alerts_bot' });
    rt = await createTestRuntime({
      clock: () => Date.now() + offsetMs,
      env: {
        ...{ TELEGRAM_API_ROOT: telegram.apiRoot, NOTIFY_POLL_MS: '30', NOTIFY_RETRY_BASE_MS: '20' },
        ...{ NOTIFY_MAX_ATTEMPTS: '4' },
      },
    });
    const admin = await rt.adminToken();
    api = notificationsApi(rt, admin);
    const bot = await rt.app.inject({
      method: 'POST',
      url: '/api/telegram/bots',
      headers: bearer(admin),
      payload: { name: 'Alerts', token: TOKEN, autoStart: false },
    });
    expect(bot.statusCode).toBe(201);
    botId = bot.json<{ id: string }>().id;
  });
  afterAll(async () => {
    await rt.dispose();
    await Promise.all([telegram.close(), smtp.close(), ntfy.close(), discord.close()]);
  });

  it('refuses bad targets with clear 400s and stores nothing', async () => {
    const base = { name: 'Owner', kind: 'ntfy', events: ['message.taken'], ntfy: { url: ntfyUrl, topic: 'shop' } };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...base, events: ['message.deleted'] }, 'events'],
      [{ ...base, ntfy: { url: 'ftp://ntfy.example/x', topic: 'shop' } }, 'ntfy.url must be http(s)'],
      [{ ...base, ntfy: { url: 'not a url', topic: 'shop' } }, 'ntfy.url must be an absolute'],
      [
        {
          ...base,
          kind: 'email',
          ntfy: undefined,
          email: { host: 'h', port: 25, tls: 'none', from: 'a@b.example', to: ['not-an-address'] },
        },
        'not an e-mail address',
      ],
      [
        { ...base, kind: 'telegram', ntfy: undefined, telegram: { botId: 'no-such-bot', chatId: '1' } },
        'No Telegram bot "no-such-bot"',
      ],
      [{ ...base, kind: 'email' }, 'needs its "email" settings'],
      [{ ...base, quietHours: { start: '25:00', end: '09:00' } }, 'quietHours'],
    ];
    for (const [body, text] of cases) {
      const res = await api.call('POST', '/targets', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      const error = res.json<{ error: { code: string; message: string } }>().error;
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.message).toContain(text);
    }
    expect((await api.call('GET', '/targets')).json<{ items: unknown[] }>().items).toEqual([]);
  });

  let targets: Record<string, NotificationTargetView>;

  it('a taken message reaches Telegram, e-mail, ntfy and a Discord webhook with the right text', async () => {
    targets = {
      telegram: await api.create({
        name: 'Owner TG',
        kind: 'telegram',
        events: ['message.taken'],
        language: 'ru',
        telegram: { botId, chatId: String(CHAT) },
      }),
      email: await api.create({
        ...{ name: 'Owner mail', kind: 'email', events: ['message.taken'], language: 'en' },
        email: {
          host: '127.0.0.1',
          port: smtp.port,
          tls: 'none',
          user: 'mailer',
          password: 'smtp-pass-123',
          from: 'secretary@shop.example',
          to: ['owner@shop.example'],
        },
      }),
      ntfy: await api.create({
        name: 'Phone',
        kind: 'ntfy',
        events: ['message.taken', 'sms.received'],
        language: 'en',
        ntfy: { url: ntfyUrl, topic: 'shop-alerts', token: 'tk_ntfy_secret' },
      }),
      discord: await api.create({
        name: 'Team',
        kind: 'discord-webhook',
        events: ['message.taken'],
        language: 'en',
        discordWebhook: { url: discordUrl },
      }),
      sms: await api.create({
        name: 'SMS only',
        kind: 'ntfy',
        events: ['sms.received'],
        ntfy: { url: ntfyUrl, topic: 'sms-only' },
      }),
    };
    const listed = (await api.call('GET', '/targets')).body;
    for (const secret of ['smtp-pass-123', 'tk_ntfy_secret', 'secret-part-abcd']) expect(listed).not.toContain(secret);
    expect(targets.discord).toMatchObject({ hasSecret: true, destination: 'Discord webhook …abcd' });

    const taken = message('Please move the appointment to Friday');
    await rt.stores.conversations.addMessage(taken);
    await rt.notifier.messageTaken(taken);

    const tg = await telegram.waitForCall('sendMessage', (c) => c.params.chat_id === CHAT, 20_000);
    expect(String(tg.params.text)).toContain('Новое сообщение: Anna Petrova');
    expect(String(tg.params.text)).toContain('Please move the appointment to Friday');
    const [mail] = await smtp.waitFor(1);
    expect(mail).toMatchObject({
      from: 'secretary@shop.example',
      to: ['owner@shop.example'],
      auth: { user: 'mailer', pass: 'smtp-pass-123' },
    });
    expect(mail!.subject).toContain('New message: Anna Petrova');
    expect(mail!.text).toContain('Anna Petrova (+79161234567) left a message: Please move the appointment to Friday');
    const [push] = await ntfy.waitForDelivered(1);
    expect(push).toMatchObject({
      method: 'POST',
      path: '/shop-alerts',
      body: expect.stringContaining('left a message'),
    });
    expect(push!.headers).toMatchObject({
      title: expect.stringContaining('New message'),
      priority: '4',
      tags: 'memo',
      authorization: 'Bearer tk_ntfy_secret',
    });
    const [hook] = await discord.waitForDelivered(1);
    const json = JSON.parse(hook!.body) as { content: string; allowed_mentions: unknown };
    expect(json.allowed_mentions).toEqual({ parse: [] });
    expect(json.content).toContain('Please move the appointment to Friday');
    expect(ntfy.requests.filter((r) => r.path === '/sms-only')).toEqual([]); // not subscribed to message.taken

    const log = await until(async () => {
      const items = await api.deliveries('sent');
      return items.length === 4 && items;
    }, 'four sent deliveries');
    expect(log.map((d) => d.event)).toEqual(['message.taken', 'message.taken', 'message.taken', 'message.taken']);
    expect(log.every((d) => d.attempts === 1 && d.sentAt !== null)).toBe(true);
  });

  it('a fake that is down (500, refused SMTP) is retried with backoff and delivered once it is back', async () => {
    ntfy.failNext(2, 500);
    smtp.refuse(2);
    const before = { ntfy: ntfy.delivered.length, mails: smtp.mails.length };
    const taken = message('Call back about the invoice');
    await rt.stores.conversations.addMessage(taken);
    await rt.notifier.messageTaken(taken); // resolves normally: the failures are the outbox's, not the call's
    expect(await rt.stores.messages.findById(taken.id)).toMatchObject({ reason: 'Call back about the invoice' });

    await ntfy.waitForDelivered(before.ntfy + 1);
    await smtp.waitFor(before.mails + 1);
    const rows = await until(async () => {
      const sent = (await api.deliveries('sent')).filter(
        (d) => d.targetId === targets.ntfy!.id || d.targetId === targets.email!.id,
      );
      return sent.length === 4 && sent;
    }, 'the retried deliveries sent');
    const retried = rows.filter((d) => d.attempts === 3);
    expect(retried.map((d) => d.targetName).sort()).toEqual(['Owner mail', 'Phone']);
    expect(ntfy.requests.filter((r) => r.status === 500)).toHaveLength(2);
  });

  it('gives up after NOTIFY_MAX_ATTEMPTS with the last error in the log', async () => {
    discord.failNext(4, 500);
    const taken = message('Nobody will read this on Discord');
    await rt.stores.conversations.addMessage(taken);
    await rt.notifier.messageTaken(taken);
    const [failed] = await until(async () => {
      const items = await api.deliveries('failed');
      return items.length === 1 && items;
    }, 'a failed delivery');
    expect(failed).toMatchObject({ targetName: 'Team', attempts: 4, status: 'failed' });
    expect(failed!.lastError).toContain('HTTP 500');
  });

  it('quiet hours hold a delivery until they end', async () => {
    const now = new Date(Date.now() + offsetMs);
    const hhmm = (d: Date) => d.toISOString().slice(11, 16); // the business time zone is UTC here
    const quietHours = {
      start: hhmm(new Date(now.getTime() - 3_600_000)),
      end: hhmm(new Date(now.getTime() + 3_600_000)),
    };
    const quiet = await api.create({
      name: 'Night',
      language: 'en',
      kind: 'ntfy',
      events: ['call.missed'],
      quietHours,
      ntfy: { url: ntfyUrl, topic: 'night' },
    });
    expect(quiet.quietHours).toEqual(quietHours);
    expect(await rt.notifications.outbox.enqueue({ event: 'call.missed', number: '+79990001122' })).toBe(1);
    await rt.notifications.outbox.tick();
    const [held] = (await api.deliveries('pending')).filter((d) => d.targetId === quiet.id);
    expect(Date.parse(held!.nextAttemptAt)).toBeGreaterThan(now.getTime() + 3_500_000);
    expect(ntfy.requests.filter((r) => r.path === '/night')).toEqual([]);

    offsetMs += 2 * 3_600_000; // the quiet hours are over (access tokens signed before it expired)
    api = notificationsApi(rt, await rt.adminToken());
    const [night] = await until(() => {
      const got = ntfy.delivered.filter((r) => r.path === '/night');
      return got.length > 0 && got;
    }, 'the held delivery');
    expect(night!.body).toContain('Missed call from +79990001122');
  });

  it('an urgent target lets process.failing through its quiet hours', async () => {
    const now = new Date(Date.now() + offsetMs);
    const hhmm = (d: Date) => d.toISOString().slice(11, 16);
    const quietHours = {
      start: hhmm(new Date(now.getTime() - 3_600_000)),
      end: hhmm(new Date(now.getTime() + 3_600_000)),
    };
    await api.create({
      name: 'Ops',
      language: 'en',
      kind: 'ntfy',
      events: ['process.failing'],
      urgent: true,
      quietHours,
      ntfy: { url: ntfyUrl, topic: 'ops' },
    });
    await rt.notifications.outbox.enqueue({
      event: 'process.failing',
      processId: 'speech-local',
      kind: 'speech',
      reason: 'crash loop: 5 crashes in 60 s',
    });
    const [ops] = await until(() => {
      const got = ntfy.delivered.filter((r) => r.path === '/ops');
      return got.length > 0 && got;
    }, 'the urgent delivery');
    expect(ops!.headers.priority).toBe('5');
    expect(ops!.body).toContain('speech-local (speech) stopped: crash loop');
  });

  it('the test button sends now and reports the outcome, failures clearly', async () => {
    const ok = await api.call('POST', `/targets/${targets.telegram!.id}/test`);
    expect(ok.json()).toEqual({ ok: true, error: null });
    expect(
      telegram.calls((c) => c.method === 'sendMessage' && String(c.params.text).includes('Проверка уведомлений')),
    ).toHaveLength(1);
    ntfy.failNext(1, 500);
    const bad = await api.call('POST', `/targets/${targets.ntfy!.id}/test`);
    expect(bad.statusCode).toBe(200);
    expect(bad.json()).toEqual({ ok: false, error: expect.stringContaining('ntfy answered HTTP 500') });
    smtp.refuse(1);
    const mail = await api.call('POST', `/targets/${targets.email!.id}/test`);
    expect(mail.json<{ ok: boolean; error: string }>()).toMatchObject({
      ok: false,
      error: expect.stringContaining('421'),
    });
    expect((await api.call('POST', '/targets/nope/test')).statusCode).toBe(404);
  });

  it('a row left sending by a crash (expired lease) or pending is picked up again: at least once', async () => {
    const now = Date.now() + offsetMs;
    const payload = { event: 'call.missed' as const, number: '+79990003344' };
    const row = { targetId: targets.ntfy!.id, event: 'call.missed' as const, payload, attempts: 0, lastError: null };
    await rt.stores.notifications.deliveries.insertMany(
      [
        { ...row, id: '00000000-0000-4000-8000-0000000000a1', status: 'sending' as const, nextAttemptAt: now - 60_000 },
        { ...row, id: '00000000-0000-4000-8000-0000000000a2', status: 'pending' as const, nextAttemptAt: now - 1000 },
      ].map((r) => ({ ...r, leaseUntil: now - 1000, createdAt: now - 60_000, sentAt: null })),
    );
    const picked = await until(async () => {
      const sent = (await api.deliveries('sent')).filter(
        (d) => d.id.endsWith('0000000000a1') || d.id.endsWith('0000000000a2'),
      );
      return sent.length === 2 && sent;
    }, 'both rows sent');
    expect(picked.every((d) => d.attempts === 1)).toBe(true);
  });

  it('edits keep sealed secrets, the log filters by status, targets are removed', async () => {
    const patched = await api.call('PATCH', `/targets/${targets.email!.id}`, {
      enabled: false,
      events: ['call.missed'],
    });
    expect(patched.json()).toMatchObject({ enabled: false, events: ['call.missed'], hasSecret: true });
    const bad = await api.call('PATCH', `/targets/${targets.email!.id}`, { ntfy: { url: ntfyUrl, topic: 'x' } });
    expect(bad.statusCode).toBe(400);
    expect((await api.deliveries('failed')).every((d) => d.status === 'failed')).toBe(true);
    expect((await api.call('DELETE', `/targets/${targets.discord!.id}`)).statusCode).toBe(200);
    expect((await api.call('GET', `/targets/${targets.discord!.id}`)).statusCode).toBe(404);
  });
});
