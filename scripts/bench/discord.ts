/**
 * Discord text bots (issue 14, "Measure"): the orchestrator (server/src/main.ts from source, SQLite in a temp
 * dir) runs one real bot process (discord.js) against the fake Discord (REST v10 + gateway) and an instant fake
 * LLM, both in this process. Figures:
 *   1. mention → first visible reply (the first POST /channels/:id/messages the fake answers 200 for that
 *      channel) and → the complete reply (the first POST or PATCH carrying the whole answer): 100 mentions one
 *      after another, then 5 rounds of 20 users at once; p50/p95/max in ms. `burstWindowMs` is 0 here (each
 *      message answered at once); the default window (2500 ms) adds its own length to every first reply by design.
 *   2. RSS of the bot process (heartbeats) idle and after each load, its peak (VmHWM), and the orchestrator's.
 *   3. throughput: the fake allows 5 requests per 5 s per route and channel (Discord's message-create bucket);
 *      300 mentions across 30 channels at once: complete replies per second, 429 count, each answered once.
 * Run: npm run bench -- discord   (BENCH_SEQUENTIAL=100 BENCH_CONCURRENT=20 BENCH_ROUNDS=5 BENCH_BURST=300)
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DiscordBotView } from '@ai-secretary/protocol';
import { createFakeLlm } from '../../server/src/testing/fake-llm.js';
import { FakeDiscord, type RecordedCall } from '../../server/src/testing/fake-discord/index.js';
import {
  adminApi as harnessApi,
  freePort,
  mb,
  percentile,
  procMemory,
  sleep,
  startOrchestrator,
  untilBotStatus,
} from './harness.js';

const PASSWORD = 'bench-admin-password';
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 100);
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const BURST = Number(process.env.BENCH_BURST ?? 300);
const BURST_CHANNELS = 30;
const BUCKET = { limit: 5, windowMs: 5000 };
const REPLY = 'We open at nine tomorrow and close at six; come by any time.';
const TOKENS = REPLY.split(/(?<= )/);
const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GbEnch.benchbenchbenchbenchbenchbench';
const BOT_ID = '900000000000000001';
const GUILD = '900000000000000002';
const CREATE = 'POST /channels/:channelId/messages';
const EDIT = 'PATCH /channels/:channelId/messages/:messageId';

interface Sent {
  channelId: string;
  sentAt: number;
  cursor: number;
}
interface Sample extends Sent {
  firstMs: number;
  finalMs: number;
}

const channelId = (n: number) => String(910_000_000_000_000_000n + BigInt(n));

function adminApi(base: string) {
  const { call, login } = harnessApi(base, PASSWORD);
  return {
    login,
    createBot: (body: Record<string, unknown>) => call<DiscordBotView>('POST', '/api/discord/bots', body),
    bot: (id: string) => call<DiscordBotView>('GET', `/api/discord/bots/${id}`),
  };
}
type Api = ReturnType<typeof adminApi>;

const until = (api: Api, id: string, status: DiscordBotView['status']) => untilBotStatus(() => api.bot(id), status);

function mention(fake: FakeDiscord, channel: string, user: number, text: string): Sent {
  const cursor = fake.calls().length;
  const sentAt = Date.now();
  const author = { id: String(920_000_000_000_000_000n + BigInt(user)), username: `user${user}` };
  fake.userSays({ channelId: channel, author, content: text, mentionsBot: true });
  return { channelId: channel, sentAt, cursor };
}

const inChannel = (fake: FakeDiscord, sent: Sent) =>
  fake
    .calls()
    .slice(sent.cursor)
    .filter((c) => c.status === 200 && c.params.channelId === sent.channelId);
const isComplete = (c: RecordedCall) => (c.route === CREATE || c.route === EDIT) && c.body.content === REPLY;

async function collect(fake: FakeDiscord, sent: Sent[], timeoutMs: number): Promise<Sample[]> {
  const deadline = Date.now() + timeoutMs;
  while (!sent.every((s) => inChannel(fake, s).some(isComplete))) {
    if (Date.now() > deadline) throw new Error(`replies missing after ${timeoutMs} ms`);
    await sleep(5);
  }
  return sent.map((s) => {
    const calls = inChannel(fake, s);
    const first = calls.find((c) => c.route === CREATE)!;
    return { ...s, firstMs: first.at - s.sentAt, finalMs: calls.find(isComplete)!.at - s.sentAt };
  });
}

async function sequential(fake: FakeDiscord): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let i = 0; i < SEQUENTIAL; i++)
    samples.push(...(await collect(fake, [mention(fake, channelId(i), i, `Question ${i}: when?`)], 30_000)));
  return samples;
}

async function concurrent(fake: FakeDiscord): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const base = SEQUENTIAL + round * CONCURRENT;
    const sent = Array.from({ length: CONCURRENT }, (_, i) => mention(fake, channelId(base + i), base + i, 'Open?'));
    samples.push(...(await collect(fake, sent, 60_000)));
  }
  return samples;
}

async function burst(fake: FakeDiscord) {
  const first = SEQUENTIAL + ROUNDS * CONCURRENT;
  const channels = Array.from({ length: BURST_CHANNELS }, (_, i) => channelId(first + i));
  const cursor = fake.calls().length;
  const startedAt = Date.now();
  const asked = Array.from({ length: BURST }, (_, i) => {
    const user = 10_000 + i;
    const author = { id: String(920_000_000_000_000_000n + BigInt(user)), username: `user${user}` };
    return fake.userSays({
      channelId: channels[i % BURST_CHANNELS]!,
      author,
      content: `Open today? #${i}`,
      mentionsBot: true,
    });
  });
  const since = () => fake.calls().slice(cursor);
  const replyTo = (c: RecordedCall) =>
    (c.body.message_reference as { message_id?: string } | undefined)?.message_id ?? null;
  const creates = () => since().filter((c) => c.route === CREATE && c.status === 200);
  const deadline = Date.now() + 180_000;
  while (new Set(creates().map(replyTo)).size < BURST && Date.now() < deadline) await sleep(50);
  await sleep(3000); // late doubles show up here
  const delivered = creates();
  const perMessage = new Map<string | null, number>();
  for (const c of delivered) perMessage.set(replyTo(c), (perMessage.get(replyTo(c)) ?? 0) + 1);
  const times = delivered.map((c) => c.at).sort((a, b) => a - b);
  const seconds = ((times.at(-1) ?? Date.now()) - startedAt) / 1000;
  return {
    seconds,
    perSecond: delivered.length / seconds,
    sustainedPerSecond: (times.length - 1) / (((times.at(-1) ?? 0) - (times[0] ?? 0)) / 1000),
    tooMany: since().filter((c) => c.status === 429).length,
    answeredOnce: asked.filter((m) => perMessage.get(m.id) === 1).length,
    missing: asked.filter((m) => !perMessage.has(m.id)).length,
    doubled: asked.filter((m) => (perMessage.get(m.id) ?? 0) > 1).length,
  };
}

function latencyRows(label: string, samples: Sample[]): string[] {
  const row = (what: string, values: number[]) =>
    `${label.padEnd(24)} ${what.padEnd(15)} ${String(values.length).padStart(4)} ${[50, 95, 100]
      .map((p) => percentile(values, p).toFixed(0).padStart(7))
      .join('')}`;
  return [
    row(
      'first visible',
      samples.map((s) => s.firstMs),
    ),
    row(
      'complete reply',
      samples.map((s) => s.finalMs),
    ),
  ];
}

async function memory(api: Api, botId: string, orchestratorPid: number) {
  await sleep(2500); // two heartbeats after the load
  const view = await api.bot(botId);
  return {
    restarts: view.restarts,
    botRss: view.rssBytes,
    botPeak: view.pid === null ? null : procMemory(view.pid).peak,
    orchestrator: procMemory(orchestratorPid),
  };
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-discord-'));
  const fake = new FakeDiscord({ rateLimit: BUCKET });
  const { restRoot } = await fake.start();
  const total = SEQUENTIAL + ROUNDS * CONCURRENT + BURST_CHANNELS;
  fake.addBot({ token: TOKEN, id: BOT_ID, username: 'bench' });
  fake.addGuild({
    id: GUILD,
    name: 'Bench',
    channels: Array.from({ length: total }, (_, i) => ({ id: channelId(i), name: `c${i}` })),
  });
  const llm = await createFakeLlm({ tokens: TOKENS, tokenDelayMs: 0 });
  llm.autoToolCall = false; // the turn offers current_time; the fake would call it otherwise
  const port = await freePort();
  const logFile = path.join(dataDir, 'orchestrator.log');
  let orchestrator: ChildProcess | undefined;
  try {
    orchestrator = await startOrchestrator(
      {
        ...{ PORT: String(port), DATA_DIR: dataDir, DATABASE_URL: '', ADMIN_PASSWORD: PASSWORD },
        ...{ LOG_LEVEL: 'warn', LOG_PRETTY: 'false', SERVE_DOCS: 'false', SPEECH_LOCAL_WORKER: 'false' },
        ...{ OUTBOUND_ALLOW: '127.0.0.1', LLM_BASE_URL: llm.url, LLM_MODEL: 'fake-model' },
        ...{ DISCORD_API_ROOT: restRoot, PROCESS_HEARTBEAT_INTERVAL_MS: '1000', TELEGRAM_ENABLED: 'false' },
      },
      logFile,
    );
    const api = adminApi(`http://127.0.0.1:${port}`);
    await api.login();
    const startedAt = performance.now();
    const created = await api.createBot({ name: 'Bench', token: TOKEN, burstWindowMs: 0 });
    await until(api, created.id, 'running');
    const startMs = performance.now() - startedAt;
    await sleep(1000); // READY and GUILD_CREATE handled
    const idle = await memory(api, created.id, orchestrator.pid!);
    await collect(fake, [mention(fake, channelId(total - 1), 1, 'hello')], 30_000); // warm-up (tsx compiles paths)
    await sleep(5000); // the warm-up channel's bucket refills before the burst uses it

    const seq = await sequential(fake);
    const conc = await concurrent(fake);
    const afterLatency = await memory(api, created.id, orchestrator.pid!);
    const thr = await burst(fake);
    const afterBurst = await memory(api, created.id, orchestrator.pid!);

    console.log(
      `node ${process.version}, ${os.cpus().length} CPUs; orchestrator and bot from source (tsx), SQLite; ` +
        `fake LLM: ${TOKENS.length} tokens, no delay; burstWindowMs 0; bot created → running in ${startMs.toFixed(0)} ms`,
    );
    console.log(`\nlatency from the mention (ms)          n    p50    p95    max`);
    for (const line of [...latencyRows('sequential', seq), ...latencyRows(`${CONCURRENT} users ×${ROUNDS}`, conc)])
      console.log(line);
    console.log(`\nRSS (MB)                bot (heartbeat)  bot peak  orchestrator  orch. peak`);
    for (const [label, m] of [
      ['idle (ready)', idle],
      ['after latency runs', afterLatency],
      [`after ${BURST}-mention burst`, afterBurst],
    ] as const)
      console.log(
        `${label.padEnd(24)}${mb(m.botRss).padStart(15)}${mb(m.botPeak).padStart(10)}${mb(m.orchestrator.rss).padStart(14)}${mb(m.orchestrator.peak).padStart(12)}`,
      );
    console.log(
      `\nthroughput: ${BURST} mentions across ${BURST_CHANNELS} channels at once; fake bucket ${BUCKET.limit} per ` +
        `${BUCKET.windowMs / 1000} s per route and channel (429 with retry_after beyond)`,
    );
    console.log(
      `  replies ${thr.answeredOnce + thr.doubled}/${BURST} in ${thr.seconds.toFixed(1)} s: ${thr.perSecond.toFixed(1)}/s ` +
        `overall, ${thr.sustainedPerSecond.toFixed(1)}/s first→last; 429s: ${thr.tooMany}; ` +
        `exactly once: ${thr.answeredOnce}, missing: ${thr.missing}, doubled: ${thr.doubled}; bot restarts: ${afterBurst.restarts}`,
    );
    if (thr.missing > 0 || thr.doubled > 0) process.exitCode = 1;
  } catch (error) {
    console.error(fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-4000) : '(no orchestrator log)');
    throw error;
  } finally {
    orchestrator?.kill('SIGTERM');
    await new Promise((resolve) => (orchestrator?.exitCode === null ? orchestrator.once('exit', resolve) : resolve(0)));
    await llm.close();
    await fake.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
