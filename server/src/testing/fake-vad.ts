import { rms, type AudioChunk } from '../core/voice/audio.js';
import { SpeechUnavailableError } from '../errors.js';
import type { VadEvent, VadPort } from '../core/voice/ports.js';

export interface FakeVadOptions {
  /** RMS above which a 10 ms frame counts as voiced. */
  thresholdRms?: number;
  /** Voiced time needed to report speech_start (reported at the first voiced frame). */
  startMs?: number;
  /** Unvoiced time needed to report speech_end (reported at the first unvoiced frame). */
  hangoverMs?: number;
}

const FRAME_MS = 10;

/** Deterministic energy VAD (16 kHz mono) standing in for silero in the speech worker. */
export function createFakeVad(options: FakeVadOptions = {}) {
  const threshold = options.thresholdRms ?? 500;
  const startMs = options.startMs ?? 20;
  const hangoverMs = options.hangoverMs ?? 100;
  const state = { down: false, detectCalls: 0 };

  async function* detect(input: AsyncIterable<AudioChunk>, signal: AbortSignal): AsyncIterable<VadEvent> {
    state.detectCalls++;
    let pos = 0;
    let inSpeech = false;
    let run = 0;
    let runStart = 0;
    let carry = new Int16Array(0);
    for await (const chunk of input) {
      if (state.down) throw new SpeechUnavailableError('The vad engine is unavailable', { stage: 'vad' });
      if (signal.aborted) return;
      const frame = (chunk.sampleRateHz * FRAME_MS) / 1000;
      const pcm = new Int16Array(carry.length + chunk.pcm.length);
      pcm.set(carry);
      pcm.set(chunk.pcm, carry.length);
      let i = 0;
      for (; i + frame <= pcm.length; i += frame) {
        const voiced = rms(pcm.subarray(i, i + frame)) >= threshold;
        if (voiced !== inSpeech) {
          if (run === 0) runStart = pos;
          run += FRAME_MS;
          if (run >= (inSpeech ? hangoverMs : startMs)) {
            inSpeech = !inSpeech;
            run = 0;
            yield { type: inSpeech ? 'speech_start' : 'speech_end', atMs: runStart };
          }
        } else run = 0;
        pos += FRAME_MS;
      }
      carry = pcm.slice(i);
    }
  }

  return { detect, state } satisfies VadPort & { state: unknown };
}
