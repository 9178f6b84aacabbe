import type { AudioChunk } from '../core/voice/audio.js';
import { SpeechUnavailableError } from '../errors.js';
import type { TtsPort, TtsRequest } from '../core/voice/ports.js';

export interface FakeTtsOptions {
  /** Audio length per character of text. */
  msPerChar?: number;
  sampleRateHz?: number;
  chunkMs?: number;
  frequencyHz?: number;
}

/** TTS stand-in: a tone as long as the text (msPerChar), in chunks; can be "killed" and restarted. */
export function createFakeTts(options: FakeTtsOptions = {}) {
  const msPerChar = options.msPerChar ?? 10;
  const rate = options.sampleRateHz ?? 24000;
  const chunkSamples = Math.round((rate * (options.chunkMs ?? 20)) / 1000);
  const freq = options.frequencyHz ?? 440;
  const state = { down: false, texts: [] as string[], failures: 0 };

  function tone(offset: number, length: number): Int16Array {
    const pcm = new Int16Array(length);
    for (let i = 0; i < length; i++) pcm[i] = Math.round(6000 * Math.sin((2 * Math.PI * freq * (offset + i)) / rate));
    return pcm;
  }

  async function* synthesize(request: TtsRequest, signal: AbortSignal): AsyncIterable<AudioChunk> {
    if (state.down) {
      state.failures++;
      throw new SpeechUnavailableError('The tts engine is unavailable', { stage: 'tts' });
    }
    state.texts.push(request.text);
    const total = Math.max(chunkSamples, Math.round((request.text.length * msPerChar * rate) / 1000));
    for (let offset = 0; offset < total; offset += chunkSamples) {
      if (signal.aborted) return;
      yield { pcm: tone(offset, Math.min(chunkSamples, total - offset)), sampleRateHz: rate, channels: 1 };
    }
  }

  return { synthesize, state } satisfies TtsPort & Record<string, unknown>;
}
