import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entersState } from '../../src/core/state/enters-state.js';
import type { AudioChunk } from '../../src/core/voice/audio.js';
import type { TtsPort, VadPort } from '../../src/core/voice/ports.js';
import { stallOf, type SessionSnapshot } from '../../src/core/voice/watchdog.js';
import { createFakeTts } from '../../src/testing/fake-tts.js';
import { createFakeVad } from '../../src/testing/fake-vad.js';
import { createTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { startCall, TEST_PHRASES, toState, waitFor } from './harness.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The fake VAD, except that once `hangOnce` is set it stops taking audio (a worker that went quiet). */
function createHangingVad() {
  const inner = createFakeVad();
  const state = { hangOnce: false, hung: 0 };
  async function* gate(input: AsyncIterable<AudioChunk>): AsyncIterable<AudioChunk> {
    for await (const chunk of input) {
      if (state.hangOnce) {
        state.hangOnce = false;
        state.hung++;
        await new Promise(() => undefined); // never answers, never throws
      }
      yield chunk;
    }
  }
  const vad = { detect: (input, signal) => inner.detect(gate(input), signal) } satisfies VadPort;
  return { vad, inner, state };
}

/** The fake TTS, except that while `hang` is set a synthesis never yields until it is cancelled. */
function createHangingTts() {
  const inner = createFakeTts();
  const state = { hang: false };
  async function* synthesize(...args: Parameters<TtsPort['synthesize']>): AsyncIterable<AudioChunk> {
    const signal = args[1];
    if (state.hang) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    if (signal.aborted) return;
    yield* inner.synthesize(...args);
  }
  return { tts: { synthesize } satisfies TtsPort, inner, state };
}

describe('voice engine: watchdog (a call is always listening, speaking or ending)', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime();
  });
  afterAll(async () => {
    await rt.dispose();
  });

  it('speech worker fault as the silence prompt falls due: after the apology the caller is asked again', async () => {
    const silencePromptMs = 1500;
    const watchdogMs = 2000;
    const call = startCall({
      store: rt.stores.conversations,
      session: { silencePromptMs, watchdogMs },
    });
    await call.greeted;
    await sleep(300);
    const faultAt = performance.now();
    const apology = waitFor(call.session, 'reply', (e) => e.text === TEST_PHRASES.apology);
    call.vad.state.down = true; // kill -9: the VAD stream breaks
    await apology;
    const apologyMs = performance.now() - faultAt;
    await sleep(silencePromptMs); // the silence prompt falls due during the outage
    call.vad.state.down = false; // the supervisor restarted the worker
    await waitFor(call.session, 'degraded', (d) => d.kind === 'speech_recovered');
    const backMs = performance.now() - faultAt;
    await waitFor(
      call.session,
      'reply',
      (e) => e.text === TEST_PHRASES.stillThere,
      silencePromptMs + watchdogMs + 2000,
    );
    const heardAgainMs = performance.now() - faultAt;
    console.info(
      `watchdog figure: fault -> apology ${Math.round(apologyMs)} ms, worker back ${Math.round(backMs)} ms, ` +
        `caller hears the secretary again ${Math.round(heardAgainMs)} ms`,
    );
    await entersState(call.session, 'listening', 5000);
    const { outcome } = await call.end();

    expect(outcome).toBe('hung_up');
    const stored = await rt.stores.conversations.findById(call.session.id);
    // Fixed at the root: the recovered session re-arms its silence prompt, the watchdog had nothing to do.
    expect(stored!.degradations.map((d) => d.kind)).toEqual(['speech_down', 'speech_recovered']);
  });

  it('a VAD that goes quiet mid-turn is restarted: the caller is answered and the call goes on', async () => {
    const hanging = createHangingVad();
    const call = startCall({
      store: rt.stores.conversations,
      stt: ['Can I book a table for Friday?', 'Thank you, goodbye'],
      llm: [{ text: 'Yes, Friday is free.' }, { text: 'Goodbye!' }],
      deps: { vad: hanging.vad },
      session: { watchdogMs: 800 },
    });
    await call.greeted;
    const speaking = waitFor(call.session, 'stateChange', toState('user_speaking'));
    void call.caller.say(200); // short: what is left of it after the restart is too short to barge in
    await speaking;
    hanging.state.hangOnce = true; // the VAD saw the turn start, then hears nothing more
    const watchdog = waitFor(call.session, 'degraded', (d) => d.kind === 'watchdog');
    expect(await watchdog).toMatchObject({ detail: 'vad' });
    await waitFor(call.session, 'metrics');
    await entersState(call.session, 'listening', 5000);
    await call.caller.say(500);
    await waitFor(call.session, 'metrics');
    await call.end();

    expect(hanging.state.hung).toBe(1);
    expect(call.said).toContain('Yes, Friday is free.');
    expect(call.llm.state.calls.map((c) => c.request.messages.at(-1)?.content)).toEqual([
      'Can I book a table for Friday?',
      'Thank you, goodbye',
    ]);
    const stored = await rt.stores.conversations.findById(call.session.id);
    expect(stored!.degradations.map((d) => [d.kind, d.detail])).toEqual([['watchdog', 'vad']]);
  });

  it('replies that never start: the caller is asked again, and when it keeps stalling the call ends politely', async () => {
    const hanging = createHangingTts();
    const call = startCall({
      store: rt.stores.conversations,
      stt: ['Hello?', 'Hello, can you hear me?', 'Is anyone there?'],
      llm: [{ text: 'Hello, how can I help?' }, { text: 'Yes, I can.' }, { text: 'I am here.' }],
      tts: hanging.tts as ReturnType<typeof createFakeTts>,
      session: { watchdogMs: 800, maxWatchdogInterventions: 2 },
    });
    await call.greeted;
    hanging.state.hang = true; // the TTS worker takes jobs and never answers them
    for (let i = 0; i < 2; i++) {
      const askedAgain = waitFor(call.session, 'reply', (e) => e.text === TEST_PHRASES.llmError);
      await call.caller.say(500);
      await askedAgain;
      await entersState(call.session, 'listening', 5000);
    }
    await call.caller.say(500);
    const { outcome } = await call.session.done;
    await call.end();

    expect(outcome).toBe('failed');
    expect(call.said.slice(-1)).toEqual([TEST_PHRASES.speechLost]);
    expect(call.said.filter((t) => t === TEST_PHRASES.llmError)).toHaveLength(2);
    const stored = await rt.stores.conversations.findById(call.session.id);
    expect(stored!.degradations.map((d) => [d.kind, d.detail])).toEqual([
      ['watchdog', 'thinking'],
      ['watchdog', 'thinking'],
      ['watchdog', 'thinking'],
    ]);
  });

  it('tells progress from a stall: what the watchdog counts as stuck', () => {
    const idle: SessionSnapshot = {
      status: 'listening',
      silenceArmed: true,
      replyInFlight: false,
      turnInProgress: false,
      turnsPending: 0,
      recoveryWaiting: false,
      vadIdleMs: 0,
    };
    const at = (s: Partial<SessionSnapshot>) => stallOf({ ...idle, ...s }, 1000);
    expect(at({})).toBeNull();
    expect(at({ silenceArmed: false })).toBe('listening'); // the defect: listening, and nothing will ever speak
    expect(at({ status: 'user_speaking', turnInProgress: true })).toBeNull();
    expect(at({ status: 'user_speaking', turnInProgress: true, vadIdleMs: 1000 })).toBe('vad');
    expect(at({ status: 'user_speaking' })).toBe('user_speaking');
    expect(at({ status: 'user_speaking', turnsPending: 1 })).toBeNull();
    expect(at({ status: 'speaking', replyInFlight: true })).toBeNull();
    expect(at({ status: 'speaking' })).toBe('speaking');
    expect(at({ status: 'recovering', recoveryWaiting: true })).toBeNull();
    expect(at({ status: 'recovering' })).toBe('recovering');
    expect(at({ status: 'thinking', replyInFlight: true })).toBe('thinking');
    expect(at({ status: 'ending' })).toBe('ending');
    expect(at({ status: 'ended' })).toBeNull();
  });
});
