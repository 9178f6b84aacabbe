import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Compile } from 'typebox/compile';
import { OrchestratorMessage, WorkerMessage } from '@ai-secretary/protocol';
import type { AudioChunk } from '../../src/core/voice/audio.js';
import type { VoiceSession } from '../../src/core/voice/session-types.js';
import { createCallerLine } from '../../src/testing/fake-caller.js';
import { createFakeLlm, type FakeLlm } from '../../src/testing/fake-llm.js';
import { entersState } from '../../src/core/state/enters-state.js';
import { createTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { fixturePath, readWav, speechFixtures } from '../helpers/speech.js';

/*
 * Interruptions on the REAL speech worker (silero onsets, pocketsphinx, espeak-ng) with the router and
 * a fake OpenAI-compatible upstream: the caller talking over the secretary, and the worker process
 * killed in the middle of a call. Assertions are on order and cause, never on durations.
 */

// Streamed slowly, so the request is still open while the first clause is being spoken.
const REPLY = (
  'We are open from nine to five on Saturday. ' +
  'On Sunday we are closed, but you can ' +
  'leave a message and we will call you back on Monday morning.'
).split(/(?<= )/);

const APOLOGY = 'Sorry, I am having a technical problem. One moment, please.';

type Entry = { kind: 'out'; samples: number } | { kind: string; text?: string };

/** A session with an event log in arrival order: output chunks as the transport pulls them, and events. */
function observe(session: VoiceSession) {
  const log: Entry[] = [];
  session.on('bargeIn', () => log.push({ kind: 'bargeIn' }));
  session.on('transcript', (t) => void (t.kind === 'final' && log.push({ kind: `final${t.turn}`, text: t.text })));
  session.on('reply', (r) => log.push({ kind: 'reply', text: r.text }));
  session.on('metrics', (m) => log.push({ kind: `metrics${m.turn}` }));
  session.on('degraded', (d) => log.push({ kind: d.kind }));
  session.on('stateChange', (s) => log.push({ kind: `state:${s.to}` }));
  const playing = (async () => {
    // A transport that plays in real time, one 20 ms chunk after another.
    for await (const chunk of session.output) {
      log.push({ kind: 'out', samples: chunk.pcm.length });
      await new Promise((resolve) => setTimeout(resolve, chunk.pcm.length / 16));
    }
  })();
  const index = (kind: string, from = 0) => log.findIndex((e, i) => i >= from && e.kind === kind);
  const until = async (kind: string, from = 0, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    while (index(kind, from) === -1) {
      if (Date.now() > deadline) throw new Error(`no ${kind} after entry ${from}; log: ${summary(log)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return index(kind, from);
  };
  return { log, playing, index, until };
}

/** The log with runs of output chunks folded, for failure messages. */
function summary(log: Entry[]): string {
  const parts: string[] = [];
  for (const e of log) {
    const last = parts.at(-1);
    if (e.kind === 'out' && last?.startsWith('out×')) parts[parts.length - 1] = `out×${Number(last.slice(4)) + 1}`;
    else parts.push(e.kind === 'out' ? 'out×1' : 'text' in e && e.text ? `${e.kind}(${e.text})` : e.kind);
  }
  return parts.join(' ');
}

const outBetween = (log: Entry[], from: number, to: number) =>
  log.slice(from, to).filter((e): e is { kind: 'out'; samples: number } => e.kind === 'out');

describe('voice engine on the real speech worker: interruptions', () => {
  let rt: TestRuntime;
  let fake: FakeLlm;
  const clip = (file: string): AudioChunk => readWav(fixturePath(file));

  beforeAll(async () => {
    speechFixtures();
    fake = await createFakeLlm({ tokens: REPLY, tokenDelayMs: 150 });
    rt = await createTestRuntime({
      env: {
        SPEECH_LOCAL_WORKER: 'true',
        SPEECH_WORKER_READY_TIMEOUT_MS: '120000',
        LLM_BASE_URL: fake.url,
        LLM_MODEL: 'fake-model',
        VOICE_SILENCE_PROMPT_S: '120',
        VOICE_SPEECH_RECOVERY_S: '150',
        VOICE_WATCHDOG_S: '150', // slow real transcription under load is not a stall
      },
    });
    await rt.app.listen({ port: 0, host: '127.0.0.1' });
    await entersState(rt.speech.localWorker!, 'ready', 150_000);
  }, 180_000);
  afterAll(async () => {
    rt.app.server.closeAllConnections();
    await rt.dispose();
    await fake.close();
  });

  it('the worker protocol validates speech onsets and live VAD settings on both sides', () => {
    const fromWorker = Compile(WorkerMessage);
    expect(fromWorker.Check({ type: 'job.speech-onset', jobId: 'j1', startMs: 740 })).toBe(true);
    expect(fromWorker.Check({ type: 'job.speech-onset', jobId: 'j1', startMs: -1 })).toBe(false);
    expect(fromWorker.Check({ type: 'job.speech-onset', jobId: 'j1' })).toBe(false);
    const toWorker = Compile(OrchestratorMessage);
    const start = { type: 'job.start', jobId: 'j1', kind: 'vad', engine: 'silero', sampleRateHz: 16000 };
    expect(toWorker.Check({ ...start, vad: { onsets: true, minSilenceMs: 100, minSpeechMs: 100 } })).toBe(true);
    expect(toWorker.Check({ ...start, vad: { onsets: 'yes' } })).toBe(false);
    expect(toWorker.Check({ ...start, vad: { minSilenceMs: 5 } })).toBe(false);
  });

  it('caller speech during a reply stops the output and aborts the LLM request while the caller is still talking', async () => {
    const requestsBefore = fake.requests.length;
    const caller = createCallerLine();
    const session = rt.voice.startSession({ input: caller.input, channel: 'test', outputSampleRateHz: 16000 });
    const o = observe(session);
    await o.until('state:listening'); // the greeting was played
    await caller.play(clip('en-slt16k-02.wav')); // "what are your opening hours on saturday"
    const replying = await o.until('reply', await o.until('final1'));
    await o.until('out', replying); // the first clause is playing; the LLM is still streaming the rest

    const interruptAt = o.log.length;
    const spoken = caller.play(clip('en-slt16k-04.wav')); // ~5 s: "my name is john smith and ..."
    void spoken.then(() => o.log.push({ kind: 'callerDone' }));
    const bargeIn = await o.until('bargeIn', interruptAt);
    const final2 = await o.until('final2', interruptAt);
    await o.until('metrics2', interruptAt);
    await spoken;
    session.hangUp();
    caller.hangUp();
    await session.done;
    await o.playing;

    // The interruption was decided on the speech onset, while the caller was still speaking...
    expect(bargeIn).toBeLessThan(o.index('callerDone', interruptAt));
    // ...playback stopped there: nothing more of the first reply came out before the next answer...
    expect(outBetween(o.log, bargeIn, final2)).toEqual([]);
    // ...and the streaming LLM request of the first reply was cancelled upstream.
    const firstTurn = fake.requests.slice(requestsBefore, requestsBefore + 2);
    expect(firstTurn.at(-1)).toMatchObject({ aborted: true, completed: false });
    expect((o.log[final2] as { text: string }).text).toContain('john smith');
    // One system message reached the model: the persona first, then the engine's voice-call rules.
    const messages = firstTurn[0]!.body.messages as Array<{ role: string; content: string }>;
    const system = messages.filter((m) => m.role === 'system');
    expect(system).toHaveLength(1);
    expect(messages[0]!.role).toBe('system');
    expect(system[0]!.content.startsWith('You are the friendly secretary of')).toBe(true);
    expect(system[0]!.content).toContain('This is a voice call');
  }, 90_000);

  it('the worker process killed mid-call: apology played, the call goes on after the restart', async () => {
    const caller = createCallerLine();
    const session = rt.voice.startSession({ input: caller.input, channel: 'test', outputSampleRateHz: 16000 });
    const o = observe(session);
    await o.until('state:listening');
    await caller.play(clip('en-slt16k-03.wav')); // "can i speak to the manager please"
    await o.until('metrics1');
    await o.until('state:listening', o.index('metrics1'));

    const supervisor = rt.speech.localWorker!;
    const pid = supervisor.pid!;
    process.kill(pid, 'SIGKILL');
    const down = await o.until('speech_down');
    const recovered = await o.until('speech_recovered', down);
    await entersState(supervisor, 'ready', 150_000);
    expect(supervisor.pid).not.toBe(pid);

    const resumedAt = o.log.length;
    await caller.play(clip('en-slt16k-08.wav')); // "is the office open on sunday"
    const final = await o.until('final2', resumedAt);
    await o.until('metrics2', resumedAt);
    session.hangUp();
    caller.hangUp();
    expect(await session.done).toEqual({ outcome: 'hung_up' });
    await o.playing;

    // The cached apology was said and its audio came out while the worker was gone.
    expect(o.log.slice(down, recovered + 1)).toContainEqual({ kind: 'reply', text: APOLOGY });
    expect(outBetween(o.log, down, recovered).length).toBeGreaterThan(0);
    // The call went on with the new worker: heard, answered in audio.
    expect((o.log[final] as { text: string }).text).toContain('sunday');
    expect(outBetween(o.log, final, o.log.length).length).toBeGreaterThan(0);
    const stored = await rt.stores.conversations.turns(session.id);
    expect(stored.map((t) => t.userText)).toEqual([
      expect.stringContaining('manager'),
      expect.stringContaining('sunday'),
    ]);
  }, 240_000);
});
