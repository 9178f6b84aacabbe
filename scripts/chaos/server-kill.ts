// Scenario 2: the orchestrator SIGKILLed (a child process on the GSM simulator's real PTYs) mid-call and in the
// middle of an SMS burst, then started again on the same database (issue 19, defect 5; the SMS commit order).
// Pass (call): the call row is `ended` / `interrupted` after the restart and the next call is answered.
// Pass (SMS): every SMS is stored exactly once and no reply goes out twice.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PtySimulator } from '../../server/src/channels/gsm/simulator/pty-simulator.js';
import { encodeDeliver } from '../../server/src/core/gsm/pdu.js';
import { createFakeLlm, type FakeLlm } from '../../server/src/testing/fake-llm.js';
import {
  createTestDatabase,
  createTestRuntime,
  type TestDatabase,
  type TestRuntime,
} from '../../server/test/helpers/runtime.js';
import {
  between,
  killHard,
  seconds,
  sleep,
  startServerChild,
  tally,
  until,
  type ChaosContext,
  type ScenarioResult,
} from './lib.js';

const CALLER = '+15550001234';

function gsmEnv(sim: PtySimulator, dataEnv: Record<string, string>, extra: Record<string, string> = {}) {
  return {
    ...dataEnv,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    ADMIN_PASSWORD: 'admin-password-1',
    SPEECH_LOCAL_WORKER: 'false', // the greeting handler answers: no speech worker to wait for
    GSM_ENABLED: 'true',
    GSM_AT_PORT: sim.atPath,
    GSM_AUDIO_PORT: sim.audioPath,
    GSM_MOCK_FALLBACK: 'false',
    GSM_PCM_RATE_HZ: '8000',
    GSM_RECONNECT_DELAY_MS: '200',
    ...extra,
  };
}

/** A 300 Hz tone: the caller "talking" for `secondsLong`. */
function tone(rateHz: number, secondsLong: number): Int16Array {
  const pcm = new Int16Array(rateHz * secondsLong);
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(6000 * Math.sin((2 * Math.PI * 300 * i) / rateHz));
  return pcm;
}

/** A fresh simulator and database for one run; everything is closed however the run ends. */
async function withRig(body: (sim: PtySimulator, database: TestDatabase) => Promise<void>) {
  const sim = await PtySimulator.start(fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-sim-')));
  const database = createTestDatabase();
  try {
    await body(sim, database);
  } finally {
    await sim.close();
    await database.drop();
  }
}

/** Starts the server in-process on the same database (the restart), runs `body`, closes it. */
async function restarted(
  env: Record<string, string>,
  database: TestDatabase,
  body: (rt: TestRuntime) => Promise<void>,
  figure: number[],
) {
  const started = performance.now();
  const rt = await createTestRuntime({ env, database, keepDatabase: true });
  try {
    await until(() => rt.gsm?.modem.state === 'ready', 20_000, 'modem ready after the restart');
    figure.push(performance.now() - started);
    await body(rt);
  } finally {
    await rt.close();
  }
}

async function callRun(ctx: ChaosContext, restartMs: number[]) {
  await withRig(async (sim, database) => {
    const env = gsmEnv(sim, database.env);
    const run = startServerChild(env);
    try {
      await run.ready;
      sim.audio.setCallerAudio(tone(8000, 20), 8000);
      sim.emulator.incomingCall(CALLER);
      await until(() => sim.audio.downlinkSamples >= 8000 * 0.5, 20_000, 'the call answered');
      const afterMs = between(ctx.random, 0, 4000);
      await sleep(afterMs);
      await killHard(run.child);
      sim.emulator.remoteHangup();
      ctx.log(`  call: server killed ${seconds(afterMs)} into the greeting/call`);
    } finally {
      await killHard(run.child);
    }
    await restarted(env, database, (rt) => checkCallAfterRestart(rt, sim), restartMs);
  });
}

async function checkCallAfterRestart(rt: TestRuntime, sim: PtySimulator) {
  const { items } = await rt.stores.gsmCalls.list({ limit: 10, offset: 0 });
  const ghost = items.find((c) => c.status !== 'ended');
  if (items.length !== 1 || ghost) throw new Error(`after the restart: ${JSON.stringify(items.map((c) => c.status))}`);
  if (items[0]!.endReason !== 'interrupted') throw new Error(`end reason ${items[0]!.endReason}, not interrupted`);
  // The line works again: the next call is answered and ends normally.
  const before = sim.audio.downlinkSamples;
  sim.emulator.incomingCall(CALLER);
  await until(() => sim.audio.downlinkSamples >= before + 8000 * 0.5, 20_000, 'the next call answered');
  sim.emulator.remoteHangup();
  await until(
    async () => (await rt.stores.gsmCalls.list({ limit: 10, offset: 0 })).items.every((c) => c.status === 'ended'),
    15_000,
    'the next call ended',
  );
}

interface SmsFigures {
  restartMs: number[];
  stored: number;
  sent: number;
  replies: number;
  duplicates: number;
  unanswered: number;
}

const smsText = (i: number) => `Chaos message number ${i}, please call me back.`;
const sender = (i: number) => `+7916000${String(i).padStart(4, '0')}`;

function deliver(sim: PtySimulator, i: number) {
  sim.emulator.deliverSms(
    encodeDeliver({ from: sender(i), text: smsText(i), encoding: 'gsm7', concat: null, sentAtMs: 0 }),
  );
}

async function smsRun(ctx: ChaosContext, llm: FakeLlm, count: number, figures: SmsFigures) {
  await withRig(async (sim, database) => {
    const env = gsmEnv(sim, database.env, {
      ...{ GSM_SMS_AUTO_REPLY: 'true', GSM_SMS_REPLY_MAX_PARTS: '1', GSM_SMS_REPLY_DAILY_CAP: '10000' },
      ...{ GSM_SMS_REPLY_PER_SENDER_HOUR: '100', LLM_BASE_URL: llm.url, LLM_MODEL: 'fake-model' },
    });
    const killAt = Math.floor(between(ctx.random, 2, count - 1));
    const run = startServerChild(env);
    try {
      await run.ready;
      await until(() => sim.emulator.commands.includes('AT+CMGL=4'), 10_000, 'first SIM sweep');
      for (let i = 0; i < count; i++) {
        if (i === killAt) await killHard(run.child);
        deliver(sim, i); // while the server is down the modem keeps them on the SIM, as real ones do
        await sleep(between(ctx.random, 20, 150));
      }
    } finally {
      await killHard(run.child);
    }
    ctx.log(`  sms: ${count} delivered, server killed before #${killAt}`);
    await restarted(env, database, (rt) => checkSmsAfterRestart(rt, sim, count, figures), figures.restartMs);
  });
}

async function checkSmsAfterRestart(rt: TestRuntime, sim: PtySimulator, count: number, figures: SmsFigures) {
  const inbox = async () => (await rt.stores.gsmSms.listMessages({ limit: 500, offset: 0, direction: 'in' })).items;
  await until(async () => sim.emulator.storage.size === 0 && (await inbox()).length >= count, 60_000, 'SIM emptied');
  await until(async () => (await inbox()).every((m) => m.autoReply !== null), 10_000, 'replies decided').catch(
    () => undefined, // counted below as unanswered
  );
  const received = await inbox();
  const texts = new Set(received.map((m) => m.text));
  const perNumber = new Map<string, number>();
  for (const sms of sim.emulator.sentSms) perNumber.set(sms.to, (perNumber.get(sms.to) ?? 0) + 1);
  const duplicates = [...perNumber.values()].filter((n) => n > 1).length;
  Object.assign(figures, {
    stored: figures.stored + received.length,
    sent: figures.sent + count,
    replies: figures.replies + sim.emulator.sentSms.length,
    duplicates: figures.duplicates + duplicates,
    unanswered: figures.unanswered + received.filter((m) => m.autoReply === null).length,
  });
  const missing = Array.from({ length: count }, (_, i) => smsText(i)).filter((t) => !texts.has(t));
  if (received.length !== count || missing.length > 0)
    throw new Error(`${received.length} stored for ${count} sent, missing ${missing.length}`);
  if (duplicates > 0) throw new Error(`${duplicates} senders got a reply more than once`);
}

const worst = (values: number[]) => (values.length === 0 ? 'n/a' : seconds(Math.max(...values)));

export async function serverKill(ctx: ChaosContext): Promise<ScenarioResult[]> {
  const runs = ctx.quick ? 1 : 2;
  const restartMs: number[] = [];
  const call = await tally(
    'server SIGKILL mid-call',
    runs,
    () => callRun(ctx, restartMs),
    () => `restart to modem ready worst ${worst(restartMs)}; ghost calls 0 of ${restartMs.length} checked`,
    ctx.log,
  );
  const llm = await createFakeLlm({ tokens: ['Thank', ' you,', ' we', ' will', ' call', ' back.'] });
  const figures: SmsFigures = { restartMs: [], stored: 0, sent: 0, replies: 0, duplicates: 0, unanswered: 0 };
  const count = ctx.quick ? 6 : 12;
  try {
    const sms = await tally(
      'server SIGKILL mid-SMS burst',
      runs,
      () => smsRun(ctx, llm, count, figures),
      () =>
        `${figures.stored}/${figures.sent} SMS stored once, ${figures.replies} replies, ` +
        `${figures.duplicates} sent twice, ${figures.unanswered} left unanswered`,
      ctx.log,
    );
    return [call, sms];
  } finally {
    await llm.close();
  }
}
