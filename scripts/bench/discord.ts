/**
 * Discord text bots (issue 14, "Measure"): the orchestrator (server/src/main.ts from source, SQLite in a temp dir)
 * runs one real bot process (discord.js) against the fake Discord (REST + gateway) and an instant fake LLM, both
 * in this process. The fake enforces Discord's per-channel bucket for messages: 5 requests per 5 s per route and
 * channel (429 with retry_after beyond; discord.js queues on the X-RateLimit headers). Figures:
 *   1. mention → first visible reply (the first `POST /channels/:id/messages` the fake answers 200 that
 *      references the user's message) and → the final text (the last 200 POST or PATCH of that message):
 *      100 mentions one after another in one channel, then 5 rounds of 20 users at once, each in its own
 *      channel; p50/p95/max in ms (`at` of the fake's recorded call minus the moment of `userSays`). The server
 *      joins one user's messages within 1.5 s into one turn, so every figure includes that window.
 *   2. RSS: the bot process as its heartbeats report it (GET /api/discord/bots/:id) idle and after each load,
 *      its peak (VmHWM), and the orchestrator's own.
 *   3. throughput: 300 mentions at once, 10 users in each of 30 channels; replies per second, 429 count, each
 *      mention answered by exactly one message with the whole reply.
 * Run: npm run bench -- discord   (BENCH_SEQUENTIAL=100 BENCH_CONCURRENT=20 BENCH_ROUNDS=5 BENCH_BURST=300)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { DiscordBotView, ProcessLogs } from '@ai-secretary/protocol';
import { createFakeLlm } from '../../server/src/testing/fake-llm.js';
import { FakeDiscord, type RecordedCall } from '../../server/src/testing/fake-discord/index.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const PASSWORD = 'bench-admin-password';
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 100);
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const BURST = Number(process.env.BENCH_BURST ?? 300);
const BURST_CHANNELS = 30;
const CHANNEL_LIMIT = { limit: 5, windowMs: 5000 };
const REPLY = 'We open at nine tomorrow and close at six; come by any time.';
const TOKENS = REPLY.split(/(?<= )/);
const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.bench.discord-bench-token';
const BOT_ID = '111111111111111111';
const GUILD = '222222222222222222';
const CREATE = 'POST /channels/:channelId/messages';
const EDIT = 'PATCH /channels/:channelId/messages/:messageId';
const channelId = (i: number) => String(300_000_000_000_000_000n + BigInt(i));
const userId = (i: number) => String(400_000_000_000_000_000n + BigInt(i));

/** One mention a user sent: its channel, message id and when. */
interface Sent {
  channelId: string;
  messageId: string;
  sentAt: number;
}

interface Sample extends Sent {
  firstMs: number;
  finalMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (bytes: number | null | undefined) =>
  bytes == null ? '   -  ' : (bytes / 1_048_576).toFixed(1).padStart(6);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** VmRSS and VmHWM (peak) of a process, in bytes. */
function procMemory(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** The orchestrator as `npm run dev` runs it (tsx), on its own SQLite database. */
async function startOrchestrator(env: Record<string, string>, logFile: string): Promise<ChildProcess> {
  const log = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: 'server/tsconfig.json', ...env },
    stdio: ['ignore', log, log],
  });
  const base = `http://127.0.0.1:${env.PORT}`;
  for (let i = 0; i < 1200; i++) {
    if (child.exitCode !== null) throw new Error(`orchestrator exited (${child.exitCode}); see ${logFile}`);
    const ok = await fetch(`${base}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return child;
    await sleep(100);
  }
  throw new Error('orchestrator did not start');
}

function adminApi(base: string) {
  let token = '';
  const call = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  return {
    async login() {
      const body = { username: 'admin', password: PASSWORD };
      token = (await call<{ accessToken: string }>('POST', '/api/auth/login', body)).accessToken;
    },
    createBot: (body: Record<string, unknown>) => call<DiscordBotView>('POST', '/api/discord/bots', body),
    bot: (id: string) => call<DiscordBotView>('GET', `/api/discord/bots/${id}`),
    logs: (id: string) => call<ProcessLogs>('GET', `/api/discord/bots/${id}/logs`),
  };
}

type Api = ReturnType<typeof adminApi>;

async function until(api: Api, id: string, status: DiscordBotView['status'], timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await api.bot(id);
    if (view.status === status) return view;
    if (Date.now() > deadline) throw new Error(`bot ${id} is ${view.status} (${view.lastError ?? '-'})`);
    await sleep(200);
  }
}

/** A user mentions the bot in a channel, now. */
function mention(fake: FakeDiscord, channel: string, user: number, text: string): Sent {
  const sentAt = Date.now();
  const author = { id: userId(user), username: `user${user}` };
  const message = fake.userSays({ channelId: channel, author, content: text, mentionsBot: true });
  return { channelId: channel, messageId: message.id, sentAt };
}

/** The bot's messages that answer this mention (a reply references it); exactly one is expected. */
const repliesTo = (fake: FakeDiscord, sent: Sent) =>
  fake.messagesIn(sent.channelId).filter((m) => m.message_reference?.message_id === sent.messageId);

/** Index of the fake's calls by route, built once per collection (the recording grows to thousands). */
function callsOf(fake: FakeDiscord) {
  const ok = fake.calls((c) => c.status === 200 && (c.route === CREATE || c.route === EDIT));
  const creates = new Map<string, RecordedCall>();
  const edits = new Map<string, number>();
  for (const c of ok) {
    const ref = (c.body.message_reference as { message_id?: string } | undefined)?.message_id;
    if (c.route === CREATE && ref !== undefined && !creates.has(ref)) creates.set(ref, c);
    if (c.route === EDIT) edits.set(c.params.messageId!, Math.max(edits.get(c.params.messageId!) ?? 0, c.at));
  }
  return { creates, edits };
}

const answered = (fake: FakeDiscord, sent: Sent) => repliesTo(fake, sent).some((m) => m.content === REPLY);

/** Waits until every mention has its whole reply, then reads the timings off the fake's recording. */
async function collect(fake: FakeDiscord, sent: Sent[], timeoutMs: number): Promise<Sample[]> {
  const deadline = Date.now() + timeoutMs;
  while (!sent.every((s) => answered(fake, s))) {
    if (Date.now() > deadline) throw new Error(`replies missing after ${timeoutMs} ms`);
    await sleep(5);
  }
  await sleep(20); // the last edit's call is recorded as answered just before the message changes; be sure
  const { creates, edits } = callsOf(fake);
  return sent.map((s) => {
    const first = creates.get(s.messageId)!;
    const replyId = repliesTo(fake, s)[0]!.id;
    return { ...s, firstMs: first.at - s.sentAt, finalMs: Math.max(first.at, edits.get(replyId) ?? 0) - s.sentAt };
  });
}

async function sequential(fake: FakeDiscord): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) {
    const sent = mention(fake, channelId(0), 1000 + i, `Question ${i}: when do you open?`);
    samples.push(...(await collect(fake, [sent], 30_000)));
  }
  return samples;
}

async function concurrent(fake: FakeDiscord): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const sent = Array.from({ length: CONCURRENT }, (_, i) =>
      mention(fake, channelId(1 + i), 2000 + i, `Round ${round}: are you open?`),
    );
    samples.push(...(await collect(fake, sent, 60_000)));
  }
  return samples;
}

interface Throughput {
  seconds: number;
  perSecond: number;
  sustainedPerSecond: number;
  tooMany: number;
  answeredOnce: number;
  missing: number;
  doubled: number;
  wrongText: number;
  /** The texts that were not the whole reply, with how often each was left (what the users saw). */
  wrongTexts: Record<string, number>;
}

/** Waits until every mention has its whole reply, or nothing new reached the fake for 10 s (or `timeoutMs`). */
async function settle(fake: FakeDiscord, sent: Sent[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = fake.calls().length;
  let quietSince = Date.now();
  while (!sent.every((s) => answered(fake, s)) && Date.now() < deadline && Date.now() - quietSince < 10_000) {
    await sleep(50);
    const now = fake.calls().length;
    if (now !== seen) [seen, quietSince] = [now, Date.now()];
  }
}

/** BURST mentions at once across BURST_CHANNELS channels; waits until each has a reply (or 180 s), then counts. */
async function burst(fake: FakeDiscord): Promise<Throughput> {
  const cursor = fake.calls().length;
  const startedAt = Date.now();
  const sent = Array.from({ length: BURST }, (_, i) =>
    mention(fake, channelId(100 + (i % BURST_CHANNELS)), 10_000 + i, `Open today? (${i})`),
  );
  await settle(fake, sent, 180_000);
  await sleep(3000); // late doubles show up here
  const since = fake.calls().slice(cursor);
  const ids = new Set(sent.map((s) => s.messageId));
  const { creates } = callsOf(fake);
  const times = [...creates.entries()]
    .filter(([ref]) => ids.has(ref))
    .map(([, c]) => c.at)
    .sort((a, b) => a - b);
  const counts = sent.map((s) => repliesTo(fake, s));
  const seconds = ((times.at(-1) ?? Date.now()) - startedAt) / 1000;
  return {
    seconds,
    perSecond: times.length / seconds,
    sustainedPerSecond: (times.length - 1) / (((times.at(-1) ?? 0) - (times[0] ?? 0)) / 1000),
    tooMany: since.filter((c) => c.token === TOKEN && c.status === 429).length,
    answeredOnce: counts.filter((r) => r.length === 1).length,
    missing: counts.filter((r) => r.length === 0).length,
    doubled: counts.filter((r) => r.length > 1).length,
    wrongText: counts.filter((r) => r.length > 0 && r.some((m) => m.content !== REPLY)).length,
    wrongTexts: tally(
      counts
        .flat()
        .map((m) => m.content)
        .filter((text) => text !== REPLY),
    ),
  };
}

function tally(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

function latencyRows(label: string, samples: Sample[]): string[] {
  const row = (what: string, values: number[]) =>
    `${label.padEnd(28)} ${what.padEnd(14)} ${String(values.length).padStart(4)} ${[50, 95, 100]
      .map((p) => pct(values, p).toFixed(0).padStart(7))
      .join('')}`;
  return [
    row(
      'first visible',
      samples.map((s) => s.firstMs),
    ),
    row(
      'final text',
      samples.map((s) => s.finalMs),
    ),
  ];
}

async function memory(api: Api, botId: string, orchestratorPid: number) {
  await sleep(2500); // at least two heartbeats (1 s apart) after the load
  const view = await api.bot(botId);
  return {
    restarts: view.restarts,
    botRss: view.rssBytes,
    botPeak: view.pid === null ? null : procMemory(view.pid).peak,
    orchestrator: procMemory(orchestratorPid),
  };
}

function createFake(): FakeDiscord {
  const fake = new FakeDiscord({ heartbeatIntervalMs: 5000, rateLimit: CHANNEL_LIMIT });
  fake.addBot({ token: TOKEN, id: BOT_ID, username: 'bench' });
  const count = 100 + BURST_CHANNELS;
  const channels = Array.from({ length: count }, (_, i) => ({ id: channelId(i), name: `channel-${i}` }));
  fake.addGuild({ id: GUILD, name: 'Bench', channels });
  return fake;
}

function orchestratorEnv(port: number, dataDir: string, llmUrl: string, restRoot: string): Record<string, string> {
  return {
    PORT: String(port),
    DATA_DIR: dataDir,
    DATABASE_URL: '',
    ADMIN_PASSWORD: PASSWORD,
    LOG_LEVEL: 'warn',
    LOG_PRETTY: 'false',
    SERVE_DOCS: 'false',
    SPEECH_LOCAL_WORKER: 'false',
    OUTBOUND_ALLOW: '127.0.0.1',
    LLM_BASE_URL: llmUrl,
    LLM_MODEL: 'fake-model',
    DISCORD_API_ROOT: restRoot,
    PROCESS_HEARTBEAT_INTERVAL_MS: '1000',
  };
}

type Memory = Awaited<ReturnType<typeof memory>>;

function printMemory(rows: Array<readonly [string, Memory]>): void {
  console.log(`\nRSS (MB)                bot (heartbeat)  bot peak  orchestrator  orch. peak`);
  for (const [label, m] of rows)
    console.log(
      `${label.padEnd(24)}${mb(m.botRss).padStart(15)}${mb(m.botPeak).padStart(10)}${mb(m.orchestrator.rss).padStart(14)}${mb(m.orchestrator.peak).padStart(12)}`,
    );
}

function printThroughput(thr: Throughput): void {
  console.log(
    `\nthroughput: ${BURST} mentions at once in ${BURST_CHANNELS} channels; fake limit ` +
      `${CHANNEL_LIMIT.limit} requests per ${CHANNEL_LIMIT.windowMs / 1000} s per route and channel (429 beyond)`,
  );
  console.log(
    `  delivered ${thr.answeredOnce + thr.doubled}/${BURST} in ${thr.seconds.toFixed(1)} s: ` +
      `${thr.perSecond.toFixed(1)} replies/s overall, ${thr.sustainedPerSecond.toFixed(1)} replies/s first→last; ` +
      `429s: ${thr.tooMany}`,
  );
  console.log(
    `  exactly once: ${thr.answeredOnce}, missing: ${thr.missing}, doubled: ${thr.doubled}, wrong text: ${thr.wrongText}`,
  );
  for (const [text, n] of Object.entries(thr.wrongTexts).slice(0, 5)) console.log(`    ${n}× ${JSON.stringify(text)}`);
}

async function measure(fake: FakeDiscord, api: Api, orchestratorPid: number): Promise<boolean> {
  const startedAt = performance.now();
  const created = await api.createBot({ name: 'Bench', token: TOKEN, language: 'en' });
  await until(api, created.id, 'running');
  const startMs = performance.now() - startedAt;
  const idle = await memory(api, created.id, orchestratorPid);
  // warm-up: the first turn compiles the paths it takes (tsx) in both processes
  await collect(fake, [mention(fake, channelId(99), 1, 'hello')], 30_000);

  const seq = await sequential(fake);
  const conc = await concurrent(fake);
  await sleep(1000); // a doubled reply would arrive here
  const doubledLatency = [...seq, ...conc].filter((s) => repliesTo(fake, s).length !== 1).length;
  const afterLatency = await memory(api, created.id, orchestratorPid);
  const thr = await burst(fake);
  const afterBurst = await memory(api, created.id, orchestratorPid);
  const logLines = (await api.logs(created.id)).lines;
  const warnings = logLines.filter((l) => /"level":(40|50|60)/.test(l.line));

  console.log(
    `node ${process.version}, ${os.cpus().length} CPUs; orchestrator and bot from source (tsx), SQLite; ` +
      `fake LLM: ${TOKENS.length} tokens, no delay; bot created → running in ${startMs.toFixed(0)} ms`,
  );
  console.log(`\nlatency from userSays (ms)            what              n    p50    p95    max`);
  for (const line of [
    ...latencyRows('sequential, 1 channel', seq),
    ...latencyRows(`${CONCURRENT} users at once ×${ROUNDS}`, conc),
  ])
    console.log(line);
  console.log(`mentions not answered by exactly one message: ${doubledLatency}/${seq.length + conc.length}`);
  printMemory([
    ['idle (running, 2.5 s)', idle],
    ['after latency runs', afterLatency],
    [`after ${BURST}-mention burst`, afterBurst],
  ]);
  printThroughput(thr);
  console.log(`bot process warnings/errors logged: ${warnings.length}; bot restarts: ${afterBurst.restarts}`);
  for (const l of warnings.slice(0, 5)) console.log(`  ${l.line.slice(0, 200)}`);
  console.log(
    `\nraw: ${JSON.stringify({
      sequential: { firstMs: seq.map((s) => s.firstMs), finalMs: seq.map((s) => s.finalMs) },
      concurrent: { firstMs: conc.map((s) => s.firstMs), finalMs: conc.map((s) => s.finalMs) },
      rss: { idle, afterLatency, afterBurst },
      throughput: thr,
    })}`,
  );
  return thr.missing === 0 && thr.doubled === 0 && thr.wrongText === 0 && doubledLatency === 0;
}

/** The orchestrator's warnings and errors by message, to tell why turns failed (the log is removed after). */
function printOrchestratorWarnings(logFile: string): void {
  const lines = fs
    .readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => /"level":(40|50|60)/.test(line));
  const messages = lines.map((line) => {
    const entry = JSON.parse(line) as { msg?: string; err?: { message?: string }; reason?: string };
    return `${entry.msg ?? '?'}${entry.err?.message ? `: ${entry.err.message}` : ''}`.slice(0, 160);
  });
  console.log(`orchestrator warnings/errors logged: ${lines.length}`);
  for (const [text, n] of Object.entries(tally(messages)).slice(0, 8)) console.log(`  ${n}× ${text}`);
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-discord-'));
  const fake = createFake();
  const { restRoot } = await fake.start();
  const llm = await createFakeLlm({ tokens: TOKENS, tokenDelayMs: 0 });
  llm.autoToolCall = false; // a plain answer: the figures are the channel's, not a tool round trip's
  const port = await freePort();
  const logFile = path.join(dataDir, 'orchestrator.log');
  let orchestrator: ChildProcess | undefined;
  try {
    orchestrator = await startOrchestrator(orchestratorEnv(port, dataDir, llm.url, restRoot), logFile);
    const api = adminApi(`http://127.0.0.1:${port}`);
    await api.login();
    if (!(await measure(fake, api, orchestrator.pid!))) process.exitCode = 1;
    printOrchestratorWarnings(logFile);
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
