import { durationMs } from '../core/voice/audio.js';
import { SpeechUnavailableError } from '../errors.js';
import type { SttEvent, SttPort, SttRequest } from '../core/voice/ports.js';

export interface FakeSttOptions {
  /** Final text per utterance, in order; '' means "no words" (a cough). Exhausted: ''. */
  script?: string[];
  /** Emit the first word as a partial once this much audio arrived (0 = no partials). */
  partialAfterMs?: number;
}

/** Scripted STT: returns the next scripted text per caller turn and records what it heard. */
export function createFakeStt(options: FakeSttOptions = {}) {
  const script = [...(options.script ?? [])];
  const partialAfterMs = options.partialAfterMs ?? 200;
  const state = { down: false, calls: [] as Array<{ audioMs: number; text: string }>, failures: 0 };

  function unavailable(): never {
    state.failures++;
    throw new SpeechUnavailableError('The stt engine is unavailable', { stage: 'stt' });
  }

  async function* transcribe(request: SttRequest, signal: AbortSignal): AsyncIterable<SttEvent> {
    if (state.down) unavailable();
    let audioMs = 0;
    let partialSent = false;
    for await (const chunk of request.audio) {
      if (state.down) unavailable();
      if (signal.aborted) return;
      audioMs += durationMs(chunk);
      if (partialAfterMs > 0 && !partialSent && audioMs >= partialAfterMs && script[0]) {
        partialSent = true;
        yield { type: 'partial', text: script[0].split(' ')[0]! };
      }
    }
    if (signal.aborted) return;
    if (state.down) unavailable();
    const text = script.shift() ?? '';
    state.calls.push({ audioMs: Math.round(audioMs), text });
    yield { type: 'final', text };
  }

  return {
    transcribe,
    state,
    /** Adds more scripted utterances. */
    push: (...texts: string[]) => script.push(...texts),
  } satisfies SttPort & Record<string, unknown>;
}
