import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { TelegramSubscriberEntity } from '../../src/db/entities/telegram.entity.js';
import type { FakeTelegram } from '../../src/testing/fake-telegram/index.js';
import { createTestDatabase, createTestRuntime, type TestDatabase, type TestRuntime } from '../helpers/runtime.js';
import { botToken, startFakeTelegram, telegramApi } from './helpers.js';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 60_000 });

const ROOT = path.resolve(import.meta.dirname, '../../..');
const CHILD = path.join(ROOT, 'server/test/telegram/fixtures/outreach-orchestrator-child.ts');
const CHATS = [7_200_000_001, 7_200_000_002, 7_200_000_003];
const TEXT = 'Your cart is waiting.';

function startChild(env: Record<string, string>): { child: ChildProcess; ready: Promise<void> } {
  // node itself (not the tsx wrapper), so SIGKILL hits the orchestrator process and nothing survives it.
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    cwd: ROOT,
    env: { ...process.env, ...env, TSX_TSCONFIG_PATH: path.join(ROOT, 'server/tsconfig.json') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (data: Buffer) => {
      if (data.toString().includes('OUTREACH_READY')) resolve();
    });
    child.on('exit', (code, signal) => reject(new Error(`child exited early (${code ?? signal})`)));
  });
  ready.catch(() => undefined);
  return { child, ready };
}

function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  return exited;
}

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read();
    if (process.env.DEBUG_CRASH) console.log(JSON.stringify(value).slice(0, 400));
    if (ok(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('a follow-up survives the orchestrator killed between the send and its commit', () => {
  let fake: FakeTelegram;
  let database: TestDatabase;
  let reader: TestRuntime | null = null;
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of children) await killHard(child);
    await reader?.close();
    await database?.drop();
    await fake?.close();
  });

  it('each subscriber has it exactly once after kill -9 and a restart', async () => {
    fake = await startFakeTelegram();
    const token = botToken();
    fake.addBot({ token, username: 'crash_bot' });
    database = createTestDatabase();
    const env = {
      ...database.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      ADMIN_PASSWORD: 'admin-password-1',
      SPEECH_LOCAL_WORKER: 'false',
      TELEGRAM_API_ROOT: fake.apiRoot,
      JOBS_POLL_MS: '100',
      JOBS_LEASE_MS: '1500',
      TELEGRAM_FOLLOWUP_SCAN_MS: '200',
    };
    // Set up through the admin API of a runtime that sends nothing (Telegram off there), kept to read the database.
    reader = await createTestRuntime({ database, keepDatabase: true, env: { TELEGRAM_ENABLED: 'false' } });
    const setup = await createTestRuntime({
      database,
      keepDatabase: true,
      env: { TELEGRAM_API_ROOT: fake.apiRoot, TELEGRAM_FOLLOWUP_SCAN_MS: '600000' },
    });
    const api = telegramApi(setup, await setup.adminToken());
    const bot = await api.call('POST', '/bots', { name: 'Shop', token, autoStart: false, followupQuietHours: null });
    const botId = bot.json<{ id: string }>().id;
    const rule = { name: 'Cart', step: 'cart', afterHours: 1, text: TEXT, buttonText: 'Back to my cart', maxTimes: 1 };
    expect((await api.call('POST', `/bots/${botId}/followups`, rule)).statusCode).toBe(201);
    for (const chatId of CHATS) {
      await setup.stores.telegram.subscribers.upsert({
        ...{ botId, chatId, userId: chatId, userName: null, language: 'en', source: null, status: 'active' },
        ...{ subscribedAt: Date.now() - 3 * 3_600_000, updatedAt: Date.now() },
      });
      const idle = { funnelStep: 'cart', lastActivityAt: Date.now() - 2 * 3_600_000 };
      await setup.db.getRepository(TelegramSubscriberEntity).update({ botId, chatId }, idle);
    }
    await setup.close();

    // The first orchestrator dies the moment Telegram has stored the first follow-up, before it hears back.
    const first = startChild(env);
    children.push(first.child);
    const limits = fake.limits(token, { perBotPerSecond: null, perChatPerSecond: null });
    limits.onDelivered = () => killHard(first.child);
    await until(async () => first.child.exitCode !== null || first.child.signalCode !== null, Boolean);
    limits.onDelivered = undefined;
    const delivered = fake.calls((c) => c.method === 'sendMessage').length;
    expect(delivered).toBeGreaterThanOrEqual(1);

    const second = startChild(env);
    children.push(second.child);
    await second.ready;
    const sends = reader.stores.telegramOutreach.followups;
    await until(
      () => sends.sends(botId),
      (rows) => rows.length === CHATS.length && rows.every((r) => r.status !== 'sending'),
    );
    // A few more scans: nothing is scheduled again.
    const scan = async () => {
      const job = await reader!.jobs.byKey('telegram.followups.scan');
      if (process.env.DEBUG_CRASH) console.log(JSON.stringify(job));
      return job?.updatedAt ?? 0;
    };
    const seen = await scan();
    await until(scan, (at) => at > seen + 600);
    await killHard(second.child);

    for (const chatId of CHATS) expect(fake.messagesTo(chatId)).toEqual([TEXT]);
    const rows = await sends.sends(botId);
    expect(rows.map((r) => r.status).sort()).toEqual(['sent', 'sent', 'unconfirmed']);
    const events = await reader.stores.telegram.events.list(botId, { types: ['followup.sent'] });
    expect(events.map((e) => e.chatId).sort()).toEqual([...CHATS].sort());
    expect(events.filter((e) => e.data?.confirmed === false)).toHaveLength(1);
  });
});
