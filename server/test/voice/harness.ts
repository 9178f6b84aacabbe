import { paceRealtime, type AudioChunk } from '../../src/core/voice/audio.js';
import { PHRASES_EN } from '../../src/core/voice/phrases.js';
import type { ConversationStore } from '../../src/core/voice/ports.js';
import { createVoiceSession } from '../../src/core/voice/session.js';
import type {
  VoiceSession,
  VoiceSessionDeps,
  VoiceSessionEvents,
  VoiceSessionOptions,
} from '../../src/core/voice/session-types.js';
import { createCallerLine } from '../../src/testing/fake-caller.js';
import { createFakeLlm, type FakeLlmReply } from '../../src/testing/fake-llm-port.js';
import { createFakeStt } from '../../src/testing/fake-stt.js';
import { createFakeTts } from '../../src/testing/fake-tts.js';
import { createFakeVad } from '../../src/testing/fake-vad.js';
import { createRecordingNotifier } from '../../src/testing/recording-notifier.js';

export const TEST_PHRASES = { ...PHRASES_EN, greeting: 'Hello, how can I help?' };

/** Waits for an event matching `predicate`; the timeout only guards against a hung test. */
export function waitFor<K extends keyof VoiceSessionEvents>(
  session: VoiceSession,
  event: K,
  predicate: (...args: VoiceSessionEvents[K]) => boolean = () => true,
  timeoutMs = 15_000,
): Promise<VoiceSessionEvents[K][0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      session.off(event, listener);
      reject(new Error(`timed out waiting for ${event}`));
    }, timeoutMs);
    const listener = (...args: VoiceSessionEvents[K]) => {
      if (!predicate(...args)) return;
      clearTimeout(timer);
      session.off(event, listener);
      resolve(args[0]);
    };
    session.on(event, listener);
  });
}

export const toState = (state: string) => (e: { to: string }) => e.to === state;

export interface CallOptions {
  store: ConversationStore;
  stt?: string[];
  llm?: FakeLlmReply[];
  session?: Partial<VoiceSessionOptions>;
  deps?: Partial<VoiceSessionDeps>;
  tts?: ReturnType<typeof createFakeTts>;
}

/** A call wired to the fakes: a real-time caller line in, a real-time paced consumer out. */
export function startCall(options: CallOptions) {
  const caller = createCallerLine();
  const vad = createFakeVad();
  const stt = createFakeStt({ script: options.stt });
  const llm = createFakeLlm({ script: options.llm });
  const tts = options.tts ?? createFakeTts();
  const notifier = createRecordingNotifier();
  const session = createVoiceSession(
    { vad, stt, llm, tts, store: options.store, notifier, ...options.deps },
    {
      input: caller.input,
      channel: 'test',
      phrases: TEST_PHRASES,
      silencePromptMs: 60_000,
      speechRetryMs: 100,
      ...options.session,
    },
  );
  /** Every output chunk with the caller's audio position when it was played. */
  const played: Array<{ chunk: AudioChunk; callerMs: number }> = [];
  const consumed = (async () => {
    for await (const chunk of paceRealtime(session.output)) played.push({ chunk, callerMs: caller.positionMs });
  })();
  const states: string[] = [];
  const said: string[] = [];
  session.on('stateChange', (e) => states.push(e.to));
  session.on('reply', (e) => said.push(e.text));
  const greeted = waitFor(session, 'stateChange', toState('listening'));
  async function end() {
    caller.hangUp();
    const result = await session.done;
    await consumed;
    return result;
  }
  return { session, states, said, caller, vad, stt, llm, tts, notifier, played, greeted, end };
}
