/**
 * Telegram bots (issue 12, "Measure"): the orchestrator (server/src/main.ts from source, SQLite in a temp dir)
 * runs one real bot process (grammY, auto-retry) against the fake Bot API and an instant fake LLM, both in
 * this process. Figures:
 *   1. update → first visible text (the first sendMessageDraft or sendMessage the fake answers 200 for that
 *      chat) and → the final sendMessage: 100 messages one after another in one chat, then 5 rounds of 20
 *      chats at once; p50/p95/max in ms (`at` of the fake's recorded call minus the moment of `userSends`).
 *   2. RSS: the bot process as its heartbeats report it (GET /api/telegram/bots/:id) idle and after each
 *      load, its peak (VmHWM), and the orchestrator's own.
 *   3. throughput: the fake allows 30 sendMessage a second (429 retry_after 1 beyond); 300 chats send one
 *      message each at once; delivered replies per second, 429 count, every chat answered exactly once.
 * Run: npm run bench -- telegram   (BENCH_SEQUENTIAL=100 BENCH_CONCURRENT=20 BENCH_ROUNDS=5 BENCH_BURST=300)
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ProcessLogs, TelegramBotView } from '@ai-secretary/protocol';
import { createFakeLlm } from '../../server/src/testing/fake-llm.js';
import { FakeTelegram, type RecordedCall } from '../../server/src/testing/fake-telegram/index.js';
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
const SEND_LIMIT_PER_S = 30;
const REPLY = 'We open at nine tomorrow and close at six; come by any time.';
const TOKENS = REPLY.split(/(?<= )/);

/** One message a user sent: its chat, when, and how many calls the fake had recorded by then. */
interface Sent {
  chatId: number;
  sentAt: number;
  /** Calls recorded after this index are answers to it (`at` has 1 ms resolution, too coarse to order by). */
  cursor: number;
}

interface Sample extends Sent {
  firstMs: number;
  finalMs: number;
}

function adminApi(base: string) {
  const { call, login } = harnessApi(base, PASSWORD);
  return {
    login,
    createBot: (body: Record<string, unknown>) => call<TelegramBotView>('POST', '/api/telegram/bots', body),
    bot: (id: string) => call<TelegramBotView>('GET', `/api/telegram/bots/${id}`),
    logs: (id: string) => call<ProcessLogs>('GET', `/api/telegram/bots/${id}/logs`),
  };
}

type Api = ReturnType<typeof adminApi>;

const until = (api: Api, id: string, status: TelegramBotView['status']) => untilBotStatus(() => api.bot(id), status);

/** A user message, sent now. */
function userSends(fake: FakeTelegram, token: string, chatId: number, text: string): Sent {
  const cursor = fake.calls().length;
  const sentAt = Date.now();
  fake.userSends(token, { chatId, from: { id: chatId, firstName: 'Ann' }, text });
  return { chatId, sentAt, cursor };
}

/** The first call of these methods the fake answered 200 for the message's chat after it was sent. */
const firstCall = (fake: FakeTelegram, sent: Sent, methods: string[]) =>
  fake
    .calls()
    .slice(sent.cursor)
    .find((c) => c.status === 200 && c.params.chat_id === sent.chatId && methods.includes(c.method));

/** Waits until every chat has its final sendMessage, then reads the timings off the fake's recording. */
async function collect(fake: FakeTelegram, sent: Sent[], timeoutMs: number): Promise<Sample[]> {
  const deadline = Date.now() + timeoutMs;
  const finalOf = (s: Sent) => firstCall(fake, s, ['sendMessage']);
  while (!sent.every((s) => finalOf(s) !== undefined)) {
    if (Date.now() > deadline) throw new Error(`replies missing after ${timeoutMs} ms`);
    await sleep(5);
  }
  return sent.map((s) => {
    const first = firstCall(fake, s, ['sendMessageDraft', 'sendMessage'])!;
    return { ...s, firstMs: first.at - s.sentAt, finalMs: finalOf(s)!.at - s.sentAt };
  });
}

/** Final replies the fake delivered to these chats since `cursor` (each message should get exactly one). */
const repliesSince = (fake: FakeTelegram, cursor: number, chats: Set<number>) =>
  fake
    .calls()
    .slice(cursor)
    .filter((c) => c.method === 'sendMessage' && c.status === 200 && chats.has(c.params.chat_id as number)).length;

async function sequential(fake: FakeTelegram, token: string, chatId: number): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) {
    const sent = userSends(fake, token, chatId, `Question ${i}: when do you open?`);
    samples.push(...(await collect(fake, [sent], 30_000)));
  }
  return samples;
}

async function concurrent(fake: FakeTelegram, token: string, firstChat: number): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const sent = Array.from({ length: CONCURRENT }, (_, i) =>
      userSends(fake, token, firstChat + i, `Round ${round}: are you open?`),
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
  pending: number;
  /** sendMessage attempts (200 and 429) of the chat that needed most; auto-retry gives up after 6. */
  mostAttempts: number;
}

/** BURST chats send at once; waits until each has a reply (or 120 s), then counts. */
async function burst(fake: FakeTelegram, token: string, firstChat: number): Promise<Throughput> {
  fake.rateLimit(token, SEND_LIMIT_PER_S);
  const chats = Array.from({ length: BURST }, (_, i) => firstChat + i);
  const cursor = fake.calls().length;
  const startedAt = Date.now();
  for (const chatId of chats) fake.userSends(token, { chatId, from: { id: chatId }, text: 'Open today?' });
  const since = () => fake.calls().slice(cursor);
  const finals = () => since().filter((c) => c.token === token && c.method === 'sendMessage' && c.status === 200);
  const deadline = Date.now() + 120_000;
  while (new Set(finals().map((c) => c.params.chat_id)).size < BURST && Date.now() < deadline) await sleep(50);
  await sleep(3000); // late doubles show up here
  fake.rateLimit(token, null);
  const delivered = finals();
  const perChat = new Map<unknown, RecordedCall[]>();
  for (const c of delivered) perChat.set(c.params.chat_id, [...(perChat.get(c.params.chat_id) ?? []), c]);
  const times = delivered.map((c) => c.at).sort((a, b) => a - b);
  const attempts = new Map<unknown, number>();
  for (const c of since().filter((c) => c.token === token && c.method === 'sendMessage'))
    attempts.set(c.params.chat_id, (attempts.get(c.params.chat_id) ?? 0) + 1);
  const seconds = ((times.at(-1) ?? Date.now()) - startedAt) / 1000;
  return {
    seconds,
    perSecond: delivered.length / seconds,
    sustainedPerSecond: (times.length - 1) / (((times.at(-1) ?? 0) - (times[0] ?? 0)) / 1000),
    tooMany: since().filter((c) => c.token === token && c.status === 429).length,
    answeredOnce: chats.filter((id) => perChat.get(id)?.length === 1).length,
    missing: chats.filter((id) => !perChat.has(id)).length,
    doubled: chats.filter((id) => (perChat.get(id)?.length ?? 0) > 1).length,
    wrongText: delivered.filter((c) => c.params.text !== REPLY).length,
    pending: fake.pendingUpdates(token).length,
    mostAttempts: Math.max(...attempts.values()),
  };
}

function latencyRows(label: string, samples: Sample[]): string[] {
  const row = (what: string, values: number[]) =>
    `${label.padEnd(24)} ${what.padEnd(14)} ${String(values.length).padStart(4)} ${[50, 95, 100]
      .map((p) => percentile(values, p).toFixed(0).padStart(7))
      .join('')}`;
  return [
    row(
      'first visible',
      samples.map((s) => s.firstMs),
    ),
    row(
      'final message',
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

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-telegram-'));
  const fake = new FakeTelegram();
  await fake.start();
  const llm = await createFakeLlm({ tokens: TOKENS, tokenDelayMs: 0 });
  const port = await freePort();
  const logFile = path.join(dataDir, 'orchestrator.log');
  let orchestrator: ChildProcess | undefined;
  try {
    orchestrator = await startOrchestrator(
      {
        PORT: String(port),
        DATA_DIR: dataDir,
        DATABASE_URL: '',
        ADMIN_PASSWORD: PASSWORD,
        LOG_LEVEL: 'warn',
        LOG_PRETTY: 'false',
        SERVE_DOCS: 'false',
        SPEECH_LOCAL_WORKER: 'false',
        OUTBOUND_ALLOW: '127.0.0.1',
        LLM_BASE_URL: llm.url,
        LLM_MODEL: 'fake-model',
        TELEGRAM_API_ROOT: fake.apiRoot,
        PROCESS_HEARTBEAT_INTERVAL_MS: '1000',
      },
      logFile,
    );
    const api = adminApi(`http://127.0.0.1:${port}`);
    await api.login();
    const token = `700000001:AAH${'x'.repeat(28)}0001`;
    fake.addBot({ token, username: 'bench_bot' });
    const startedAt = performance.now();
    const created = await api.createBot({
      name: 'Bench',
      token,
      rateLimit: { messages: 1000, windowSeconds: 1 }, // the per-user limit is not what is measured
    });
    await until(api, created.id, 'running');
    const startMs = performance.now() - startedAt;
    const idle = await memory(api, created.id, orchestrator.pid!);

    // warm-up: the first turn compiles the paths it takes (tsx) in both processes
    await collect(fake, [userSends(fake, token, 1, 'hello')], 30_000);

    const latencyCursor = fake.calls().length;
    const seq = await sequential(fake, token, 1000);
    const conc = await concurrent(fake, token, 2000);
    await sleep(1000); // a doubled reply would arrive here
    const replies = repliesSince(fake, latencyCursor, new Set([...seq, ...conc].map((s) => s.chatId)));
    const afterLatency = await memory(api, created.id, orchestrator.pid!);
    const thr = await burst(fake, token, 10_000);
    const afterBurst = await memory(api, created.id, orchestrator.pid!);
    const logLines = (await api.logs(created.id)).lines;
    const warnings = logLines.filter((l) => /"level":(40|50|60)/.test(l.line));
    const supervisor = afterBurst.restarts > 0 ? logLines.filter((l) => l.stream === 'supervisor') : [];
    const drafts = fake.calls('sendMessageDraft').filter((c) => c.status === 200).length;

    console.log(
      `node ${process.version}, ${os.cpus().length} CPUs; orchestrator and bot from source (tsx), SQLite; ` +
        `fake LLM: ${TOKENS.length} tokens, no delay; bot created → running in ${startMs.toFixed(0)} ms`,
    );
    console.log(`\nlatency from userSends (ms)        n    p50    p95    max`);
    for (const line of [
      ...latencyRows(`sequential, 1 chat`, seq),
      ...latencyRows(`${CONCURRENT} chats at once ×${ROUNDS}`, conc),
    ])
      console.log(line);
    const firstIsDraft = [...seq, ...conc].filter(
      (s) => firstCall(fake, s, ['sendMessageDraft', 'sendMessage'])?.method === 'sendMessageDraft',
    ).length;
    console.log(
      `first visible was a draft in ${firstIsDraft}/${seq.length + conc.length}; drafts sent: ${drafts}; ` +
        `final replies ${replies} for ${seq.length + conc.length} messages`,
    );

    console.log(`\nRSS (MB)                bot (heartbeat)  bot peak  orchestrator  orch. peak`);
    for (const [label, m] of [
      ['idle (running, 2.5 s)', idle],
      ['after latency runs', afterLatency],
      [`after ${BURST}-chat burst`, afterBurst],
    ] as const)
      console.log(
        `${label.padEnd(24)}${mb(m.botRss).padStart(15)}${mb(m.botPeak).padStart(10)}${mb(m.orchestrator.rss).padStart(14)}${mb(m.orchestrator.peak).padStart(12)}`,
      );

    console.log(
      `\nthroughput: ${BURST} chats at once, fake limit ${SEND_LIMIT_PER_S} sendMessage/s (429 retry_after 1)`,
    );
    console.log(
      `  delivered ${thr.answeredOnce + thr.doubled}/${BURST} chats in ${thr.seconds.toFixed(1)} s: ` +
        `${thr.perSecond.toFixed(1)} msg/s overall, ${thr.sustainedPerSecond.toFixed(1)} msg/s first→last delivery; ` +
        `429s: ${thr.tooMany}`,
    );
    console.log(
      `  exactly once: ${thr.answeredOnce}, missing: ${thr.missing}, doubled: ${thr.doubled}, ` +
        `wrong text: ${thr.wrongText}, updates left unconfirmed: ${thr.pending}; ` +
        `most sendMessage attempts for one chat: ${thr.mostAttempts}`,
    );
    console.log(`bot process warnings/errors logged: ${warnings.length}; bot restarts: ${afterBurst.restarts}`);
    for (const l of [...warnings.slice(0, 5), ...supervisor.slice(0, 5)]) console.log(`  ${l.line.slice(0, 200)}`);
    console.log(
      `\nraw: ${JSON.stringify({
        sequential: { firstMs: seq.map((s) => s.firstMs), finalMs: seq.map((s) => s.finalMs) },
        concurrent: { firstMs: conc.map((s) => s.firstMs), finalMs: conc.map((s) => s.finalMs) },
        rss: { idle, afterLatency, afterBurst },
        throughput: thr,
      })}`,
    );
    if (thr.missing > 0 || thr.doubled > 0 || replies !== seq.length + conc.length) process.exitCode = 1;
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
