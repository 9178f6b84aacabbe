/**
 * Follow-ups and broadcasts (issue 13, "Measure"): the orchestrator's runtime in this process (SQLite in a temp dir,
 * or `--postgres` on TEST_DATABASE_URL in a fresh schema) against the fake Bot API, which allows 30 messages a second
 * per bot (429 with retry_after beyond) and injects a 429 every 97th send. Figures:
 *   1. a broadcast to BENCH_SUBSCRIBERS (default 2000) active subscribers: messages/s achieved vs the fake's 30/s, the
 *      share of recipients retried, 429s over the limit and injected; every one delivered exactly once.
 *   2. scheduler latency, due → sent (the fake's receipt): 10,000 pending follow-up jobs, BENCH_DUE (default 300)
 *      of them coming due over the run at 20 a second, the rest due tomorrow; p50/p99/max with JOBS_POLL_MS (1000).
 * Run: npm run bench -- broadcast   (BENCH_SUBSCRIBERS=2000 BENCH_DUE=300 BENCH_RATE=25 JOBS_POLL_MS=1000)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { BroadcastView } from '@ai-secretary/protocol';
import { loadConfig } from '../../server/src/config.js';
import { FOLLOWUP_SEND_JOB } from '../../server/src/core/telegram/outreach/followups-service.js';
import { TelegramSubscriberEntity } from '../../server/src/db/entities/telegram.entity.js';
import { createLogger } from '../../server/src/logger.js';
import { startRuntime, type Runtime } from '../../server/src/runtime.js';
import { FakeTelegram } from '../../server/src/testing/fake-telegram/index.js';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 2000);
const DUE = Number(process.env.BENCH_DUE ?? 300);
const PENDING = 10_000;
const RATE = process.env.BENCH_RATE ?? '25';
const LIMIT_PER_S = 30;
const PASSWORD = 'bench-admin-password';
const postgres = process.argv.includes('--postgres');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function boot(fake: FakeTelegram): Promise<{ rt: Runtime; admin: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-broadcast-'));
  const env: Record<string, string> = {
    ...{ NODE_ENV: 'production', DATA_DIR: dataDir, ADMIN_PASSWORD: PASSWORD, LOG_LEVEL: 'silent' },
    ...{ SPEECH_LOCAL_WORKER: 'false', TELEGRAM_API_ROOT: fake.apiRoot, TELEGRAM_BULK_PER_SECOND: RATE },
    ...{ JOBS_POLL_MS: process.env.JOBS_POLL_MS ?? '1000', TELEGRAM_FOLLOWUP_SCAN_MS: '3600000' },
  };
  if (postgres) {
    env.DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/secretary_test';
    env.DATABASE_SCHEMA = `bench_${randomBytes(4).toString('hex')}`;
  }
  const config = loadConfig(env);
  const rt = await startRuntime(config, createLogger({ logLevel: 'silent', logPretty: false }));
  const login = await rt.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: 'admin', password: PASSWORD },
  });
  return { rt, admin: login.json<{ accessToken: string }>().accessToken };
}

async function addSubscribers(rt: Runtime, botId: string, first: number, n: number, activity: (i: number) => number) {
  for (let i = 0; i < n; i++) {
    const chatId = first + i;
    await rt.stores.telegram.subscribers.upsert({
      ...{ botId, chatId, userId: chatId, userName: null, language: 'en', source: null, status: 'active' },
      ...{ subscribedAt: 0, updatedAt: 0 },
    });
  }
  const repo = rt.db.getRepository(TelegramSubscriberEntity);
  for (let i = 0; i < n; i++)
    await repo.update({ botId, chatId: first + i }, { funnelStep: 'cart', lastActivityAt: activity(i) });
}

async function broadcastBench(rt: Runtime, call: Call, fake: FakeTelegram, token: string, botId: string) {
  const limits = fake.limits(token, { perBotPerSecond: LIMIT_PER_S, perChatPerSecond: 1, inject429Every: 97 });
  await addSubscribers(rt, botId, 8_000_000_000, SUBSCRIBERS, () => 0);
  const draft = (await call('POST', `/bots/${botId}/broadcasts`, { text: 'Bench broadcast' })).json<BroadcastView>();
  await call('POST', `/bots/${botId}/broadcasts/${draft.id}/test`);
  const before = fake.calls('sendMessage').length;
  const started = Date.now();
  await call('POST', `/bots/${botId}/broadcasts/${draft.id}/start`);
  let view: BroadcastView;
  do {
    await sleep(500);
    view = (await call('GET', `/bots/${botId}/broadcasts/${draft.id}`)).json<BroadcastView>();
  } while (view.status === 'sending');
  const delivered = fake
    .calls('sendMessage')
    .slice(before)
    .filter((c) => c.status === 200);
  const seconds = (delivered.at(-1)!.at - delivered[0]!.at) / 1000;
  const chats = new Set(delivered.map((c) => c.params.chat_id));
  console.log(
    `broadcast to ${SUBSCRIBERS} subscribers, sender pace ${RATE}/s, fake limit ${LIMIT_PER_S}/s (+ a 429 every 97th):`,
  );
  console.log(
    `  ${(delivered.length / seconds).toFixed(1)} messages/s achieved (${((delivered.length / seconds / LIMIT_PER_S) * 100).toFixed(0)}% of the limit), ${((Date.now() - started) / 1000).toFixed(1)} s start → done`,
  );
  console.log(
    `  retried: ${view.progress.retried} of ${view.progress.total} recipients (${((view.progress.retried / view.progress.total) * 100).toFixed(1)}%); 429s: ${limits.stats.overLimit} over the limit, ${limits.stats.injected} injected; peak ${limits.stats.peakPerSecond} in a rolling second`,
  );
  console.log(
    `  delivered ${delivered.length} to ${chats.size} distinct chats (exactly once each: ${delivered.length === chats.size && chats.size === SUBSCRIBERS})`,
  );
  limits.configure({ inject429Every: null });
}

async function latencyBench(rt: Runtime, call: Call, fake: FakeTelegram, botId: string) {
  const rule = (
    await call('POST', `/bots/${botId}/followups`, {
      name: 'Bench',
      step: 'cart',
      afterHours: 1,
      text: 'Bench follow-up',
      buttonText: 'Back',
    })
  ).json<{ id: string }>();
  const first = 8_500_000_000;
  await addSubscribers(rt, botId, first, DUE, () => 0);
  const base = Date.now() + 3000;
  const dueAt = new Map<number, number>();
  for (let i = 0; i < PENDING; i++) {
    const due = i < DUE ? base + i * 50 : Date.now() + 86_400_000;
    const chatId = i < DUE ? first + i : 9_000_000_000 + i;
    if (i < DUE) dueAt.set(chatId, due);
    const payload = { ruleId: rule.id, chatId, occurrence: 1, basis: 0 };
    await rt.jobs.enqueue({ kind: FOLLOWUP_SEND_JOB, key: `bench:${i}`, payload, dueAt: due });
  }
  const pending = (await rt.jobs.counts(FOLLOWUP_SEND_JOB)).pending;
  const waitUntil = base + DUE * 50 + 10_000;
  while (
    Date.now() < waitUntil &&
    fake.calls((c) => c.method === 'sendMessage' && dueAt.has(Number(c.params.chat_id))).length < DUE
  )
    await sleep(200);
  const sent = fake.calls((c) => c.method === 'sendMessage' && c.status === 200 && dueAt.has(Number(c.params.chat_id)));
  const lat = sent.map((c) => c.at - dueAt.get(Number(c.params.chat_id))!).sort((a, b) => a - b);
  console.log(
    `scheduler latency due → sent, ${pending} pending follow-up jobs (${DUE} coming due at 20/s), JOBS_POLL_MS ${process.env.JOBS_POLL_MS ?? 1000}:`,
  );
  console.log(`  p50 ${pct(lat, 50)} ms, p99 ${pct(lat, 99)} ms, max ${lat.at(-1)} ms; ${sent.length}/${DUE} sent`);
}

type Call = (
  method: 'GET' | 'POST',
  url: string,
  payload?: Record<string, unknown>,
) => Promise<Awaited<ReturnType<Runtime['app']['inject']>>>;

const fake = new FakeTelegram();
await fake.start();
const token = '7770001:AAH' + 'b'.repeat(30);
fake.addBot({ token, username: 'bench_bot' });
const { rt, admin } = await boot(fake);
const call: Call = async (method, url, payload) =>
  await rt.app.inject({
    method,
    url: `/api/telegram${url}`,
    headers: { authorization: `Bearer ${admin}` },
    ...(payload ? { payload } : {}),
  });
const bot = (
  await call('POST', '/bots', { name: 'Bench', token, autoStart: false, adminUsers: [1], followupQuietHours: null })
).json<{ id: string }>();
try {
  await broadcastBench(rt, call, fake, token, bot.id);
  await latencyBench(rt, call, fake, bot.id);
} finally {
  await rt.close();
  await fake.close();
}
