// Scenario 1: the real local speech worker SIGKILLed at a random moment of each of N calls (issue 19, defect 3).
// Pass: after the fault the session is listening, speaking or ended politely within 10 s, it is back to listening
// once the worker is restarted, and the caller's next sentence is heard and answered (or the call ended politely).
import type { AudioChunk } from '@ai-secretary/protocol';
import { entersState } from '../../server/src/core/state/enters-state.js';
import { PHRASES_EN } from '../../server/src/core/voice/phrases.js';
import type { VoiceSession, VoiceStatus } from '../../server/src/core/voice/session-types.js';
import { createCallerLine } from '../../server/src/testing/fake-caller.js';
import { createFakeLlm } from '../../server/src/testing/fake-llm.js';
import { createTestRuntime, type TestRuntime } from '../../server/test/helpers/runtime.js';
import { fixturePath, readWav, speechFixtures } from '../../server/test/helpers/speech.js';
import { between, seconds, sleep, tally, until, type ChaosContext, type ScenarioResult } from './lib.js';

const FAULT_DEADLINE_MS = 10_000;
const ALIVE: readonly VoiceStatus[] = ['listening', 'speaking', 'ended'];
const POLITE_ENDINGS = new Set([PHRASES_EN.speechLost, PHRASES_EN.goodbye]);

/** Everything one call showed, with monotonic times. */
function observe(session: VoiceSession) {
  const states: Array<{ atMs: number; to: VoiceStatus }> = [];
  const finals: Array<{ atMs: number; text: string }> = [];
  const replies: Array<{ atMs: number; text: string }> = [];
  const degradations: string[] = [];
  session.on('stateChange', (s) => states.push({ atMs: performance.now(), to: s.to }));
  session.on('transcript', (t) => void (t.kind === 'final' && finals.push({ atMs: performance.now(), text: t.text })));
  session.on('reply', (r) => replies.push({ atMs: performance.now(), text: r.text }));
  session.on('degraded', (d) => degradations.push(d.kind));
  const playing = (async () => {
    // A transport that plays in real time, one chunk after another.
    for await (const chunk of session.output) await sleep(chunk.pcm.length / 16);
  })();
  return { states, finals, replies, degradations, playing };
}

type Observed = ReturnType<typeof observe>;

const politelyEnded = (session: VoiceSession, o: Observed) =>
  session.status === 'ended' && POLITE_ENDINGS.has(o.replies.at(-1)?.text ?? '');

/** Milliseconds from the fault to the first state change into listening, speaking or ended. */
async function timeToAlive(o: Observed, faultAt: number): Promise<number> {
  const entered = await until(
    () => o.states.find((s) => s.atMs >= faultAt && ALIVE.includes(s.to)),
    FAULT_DEADLINE_MS,
    'listening, speaking or ended after the fault',
  );
  return entered.atMs - faultAt;
}

/** Milliseconds from the fault until the session listens again on a live worker (or ended politely). */
async function timeToRecovered(rt: TestRuntime, session: VoiceSession, o: Observed, faultAt: number) {
  await until(
    () =>
      politelyEnded(session, o) ||
      (rt.speech.localWorker!.status === 'ready' &&
        session.status === 'listening' &&
        o.degradations.filter((d) => d === 'speech_down').length ===
          o.degradations.filter((d) => d === 'speech_recovered').length),
    60_000,
    'listening on the restarted worker',
  );
  return performance.now() - faultAt;
}

/** The caller speaks again after recovery: a final transcript and a reply after it (or a polite end). */
async function heardAgain(
  session: VoiceSession,
  o: Observed,
  caller: ReturnType<typeof createCallerLine>,
  clip: AudioChunk,
) {
  if (politelyEnded(session, o)) return;
  const spokeAt = performance.now();
  await caller.play(clip);
  await until(
    () => {
      if (politelyEnded(session, o)) return true;
      const heard = o.finals.find((f) => f.atMs >= spokeAt && f.text.trim() !== '');
      return heard !== undefined && o.replies.some((r) => r.atMs >= heard.atMs);
    },
    45_000,
    'the caller heard and answered after the restart',
  );
}

interface CallFigures {
  toAliveMs: number[];
  toRecoveredMs: number[];
  faultStates: string[];
}

async function oneCall(rt: TestRuntime, ctx: ChaosContext, figures: CallFigures, clips: AudioChunk[]) {
  const worker = rt.speech.localWorker!;
  await entersState(worker, 'ready', 120_000);
  const caller = createCallerLine();
  const session = rt.voice.startSession({ input: caller.input, channel: 'chaos', outputSampleRateHz: 16000 });
  const o = observe(session);
  const startedAt = performance.now();
  const firstTurn = until(() => session.status === 'listening', 30_000, 'greeting').then(() => caller.play(clips[0]!));
  firstTurn.catch(() => undefined);
  const faultAfterMs = between(ctx.random, 300, 10_000);
  await sleep(faultAfterMs - (performance.now() - startedAt));
  const faultAt = performance.now();
  const faultState = session.status;
  process.kill(worker.pid!, 'SIGKILL');
  try {
    const toAlive = await timeToAlive(o, faultAt);
    const toRecovered = await timeToRecovered(rt, session, o, faultAt);
    await firstTurn;
    await heardAgain(session, o, caller, clips[1]!);
    if (session.status === 'ended' && !politelyEnded(session, o)) throw new Error('the call ended without a goodbye');
    figures.toAliveMs.push(toAlive);
    figures.toRecoveredMs.push(toRecovered);
    figures.faultStates.push(faultState);
    ctx.log(
      `  call: fault at ${seconds(faultAfterMs)} (${faultState}) -> alive ${seconds(toAlive)}, ` +
        `listening on the new worker ${seconds(toRecovered)}; ${o.degradations.join(',')}`,
    );
  } finally {
    session.hangUp();
    caller.hangUp();
    await session.done;
    await o.playing;
  }
}

const worst = (values: number[]) => (values.length === 0 ? 'n/a' : seconds(Math.max(...values)));

export async function workerKill(ctx: ChaosContext): Promise<ScenarioResult[]> {
  const calls = Number(process.env.CHAOS_CALLS ?? (ctx.quick ? 3 : 10));
  speechFixtures();
  const clips = ['en-slt16k-02.wav', 'en-slt16k-08.wav'].map((file) => readWav(fixturePath(file)));
  const llm = await createFakeLlm({ tokens: ['We', ' are', ' open', ' from', ' nine', ' to', ' five.'] });
  const rt = await createTestRuntime({
    env: {
      SPEECH_LOCAL_WORKER: 'true',
      SPEECH_WORKER_READY_TIMEOUT_MS: '120000',
      LLM_BASE_URL: llm.url,
      LLM_MODEL: 'fake-model',
      // Ten kills within minutes are a crash loop by design; here they are the point, and the backoff is capped.
      PROCESS_CRASH_LOOP_CRASHES: '1000',
      SPEECH_RESTART_BACKOFF_MAX_MS: '4000',
    },
  });
  const figures: CallFigures = { toAliveMs: [], toRecoveredMs: [], faultStates: [] };
  try {
    await rt.app.listen({ port: 0, host: '127.0.0.1' });
    const result = await tally(
      'worker SIGKILL mid-call',
      calls,
      () => oneCall(rt, ctx, figures, clips),
      () =>
        `worst ${worst(figures.toAliveMs)} to listening/speaking (limit 10 s), ` +
        `worst ${worst(figures.toRecoveredMs)} to listening on the new worker`,
      ctx.log,
    );
    return [result];
  } finally {
    rt.app.server.closeAllConnections();
    await rt.dispose();
    await llm.close();
  }
}
