import type { AudioChunk, Voice } from '@ai-secretary/protocol';
import { bytesToPcm, spawnEngine } from './process-io.js';
import { BadSpeechInputError, type TtsEngine, type TtsOptions } from './types.js';

const WAV_HEADER_BYTES = 44;
const ESPEAK_RATE_HZ = 22_050;
const BASE_WPM = 175;

export const ESPEAK_VOICES: Voice[] = [
  { id: 'en', engine: 'espeak-ng', language: 'en', sampleRateHz: ESPEAK_RATE_HZ, name: 'English (espeak-ng)' },
  { id: 'en-us', engine: 'espeak-ng', language: 'en', sampleRateHz: ESPEAK_RATE_HZ, name: 'English US (espeak-ng)' },
  { id: 'ru', engine: 'espeak-ng', language: 'ru', sampleRateHz: ESPEAK_RATE_HZ, name: 'Russian (espeak-ng)' },
];

export interface EspeakOptions {
  binary?: string;
  /** Samples per emitted chunk. */
  chunkSamples?: number;
}

/** Reads espeak-ng's streamed WAV: skips the header, then yields PCM as it arrives. */
async function* pcmChunks(
  stdout: AsyncIterable<Buffer>,
  chunkBytes: number,
  signal: AbortSignal,
): AsyncIterable<AudioChunk> {
  let pending = Buffer.alloc(0);
  let headerLeft = WAV_HEADER_BYTES;
  for await (const data of stdout) {
    let bytes = data;
    if (headerLeft > 0) {
      const skip = Math.min(headerLeft, bytes.length);
      headerLeft -= skip;
      bytes = bytes.subarray(skip);
    }
    pending = Buffer.concat([pending, bytes]);
    while (pending.length >= chunkBytes) {
      signal.throwIfAborted();
      yield { pcm: bytesToPcm(pending.subarray(0, chunkBytes)), sampleRateHz: ESPEAK_RATE_HZ, channels: 1 };
      pending = pending.subarray(chunkBytes);
    }
  }
  // A killed engine also ends its stdout: that is an abort, not the end of the speech.
  signal.throwIfAborted();
  if (pending.length >= 2) yield { pcm: bytesToPcm(pending), sampleRateHz: ESPEAK_RATE_HZ, channels: 1 };
}

/** espeak-ng through its CLI (English and Russian offline; streams as it synthesizes). */
export function createEspeakTts(options: EspeakOptions = {}): TtsEngine {
  const binary = options.binary ?? 'espeak-ng';
  const chunkBytes = (options.chunkSamples ?? 2048) * 2;
  return {
    name: 'espeak-ng',
    voices: ESPEAK_VOICES,
    async *synthesize(text: string, opts: TtsOptions) {
      const voice = ESPEAK_VOICES.find((v) => v.id === opts.voice);
      if (!voice) throw new BadSpeechInputError('VOICE_UNKNOWN', `espeak-ng has no voice "${opts.voice}"`);
      const wpm = String(Math.round(BASE_WPM * (opts.speed ?? 1)));
      // `--stdin` keeps the text off the command line (no argument injection, no length limit).
      const { child, exited, kill } = spawnEngine(
        binary,
        ['--stdout', '--stdin', '-v', voice.id, '-s', wpm],
        opts.signal,
      );
      child.stdin.end(text.replace(/\s+/g, ' ') + '\n');
      let finished = false;
      try {
        yield* pcmChunks(child.stdout, chunkBytes, opts.signal);
        finished = true;
      } finally {
        if (!finished) {
          kill(); // the consumer gave up early
        }
      }
      await exited;
      opts.signal.throwIfAborted(); // killed mid-way: the audio is cut short, never a success
    },
  };
}
