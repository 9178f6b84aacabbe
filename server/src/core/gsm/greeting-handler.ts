import { rms } from './audio-dsp.js';
import type { AudioChunk, CallAudioHandler, CallHandlerOutput, CallSession } from './types.js';

export interface GreetingHandlerOptions {
  /** The greeting to play; a synthesized chime when absent. */
  greeting?: AudioChunk;
  sampleRateHz: 8000 | 16000;
  /** Hang up after this long even if the caller stays on the line. */
  maxCallMs: number;
  /** RMS above which a caller frame counts as speech. */
  speechRms?: number;
}

/** A short two-tone chime (used when no greeting WAV is configured). */
export function synthesizeGreeting(sampleRateHz: number, durationMs = 1200): AudioChunk {
  const n = Math.round((sampleRateHz * durationMs) / 1000);
  const pcm = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / sampleRateHz;
    const freq = t < durationMs / 2000 ? 660 : 880;
    const envelope = Math.min(1, i / 400, (n - i) / 400);
    pcm[i] = Math.round(9000 * envelope * Math.sin(2 * Math.PI * freq * t));
  }
  return { pcm, sampleRateHz, channels: 1 };
}

function* slices(chunk: AudioChunk, sliceMs: number): Generator<AudioChunk> {
  const step = Math.round((chunk.sampleRateHz * chunk.channels * sliceMs) / 1000);
  for (let i = 0; i < chunk.pcm.length; i += step) {
    yield { ...chunk, pcm: chunk.pcm.subarray(i, i + step) };
  }
}

/**
 * The built-in call handler until the voice engine lands: plays a greeting, then listens (the bridge records
 * the caller) and reports how much caller speech it heard. Ends when the caller hangs up or after maxCallMs.
 */
export function createGreetingHandler(options: GreetingHandlerOptions): CallAudioHandler {
  const greeting = options.greeting ?? synthesizeGreeting(options.sampleRateHz);
  return {
    sampleRateHz: options.sampleRateHz,
    async *handle(session: CallSession): AsyncIterable<CallHandlerOutput> {
      const startedMs = Date.now();
      yield { type: 'transcript', role: 'secretary', text: '[greeting]', atMs: 0 };
      for (const chunk of slices(greeting, 200)) yield { type: 'audio', chunk };
      let speechMs = 0;
      let heardMs = 0;
      const iterator = session.input[Symbol.asyncIterator]();
      // The deadline ends the input, which ends the loop below even while the caller is silent.
      const deadline = setTimeout(() => void iterator.return?.(), options.maxCallMs);
      try {
        for await (const chunk of { [Symbol.asyncIterator]: () => iterator }) {
          const ms = (chunk.pcm.length / chunk.sampleRateHz) * 1000;
          heardMs += ms;
          if (rms(chunk.pcm) > (options.speechRms ?? 300)) speechMs += ms;
          if (session.signal.aborted || Date.now() - startedMs > options.maxCallMs) break;
        }
      } finally {
        clearTimeout(deadline);
      }
      yield { type: 'metric', name: 'callerAudioMs', valueMs: Math.round(heardMs) };
      yield { type: 'metric', name: 'callerSpeechMs', valueMs: Math.round(speechMs) };
      if (!session.signal.aborted) yield { type: 'end', reason: 'max call time' };
    },
  };
}
