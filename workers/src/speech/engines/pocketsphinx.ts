import type { AudioChunk, SttCapability } from '@ai-secretary/protocol';
import { lines, pcmToBytes, settleAll, spawnEngine } from './process-io.js';
import { BadSpeechInputError, type SpeechSegment, type SttEngine, type SttOptions } from './types.js';

const RATE_HZ = 16_000;

/**
 * Latency settings (flag → value; `extraArgs`, i.e. `SPEECH_POCKETSPHINX_ARGS`, may override any of
 * them). The decoder is fed while the caller speaks, so at the end of the audio only its final passes
 * remain: `-fwdflat no` skips the second full search (≈250 ms less on a 4 s turn; word error rate on the
 * slt fixtures unchanged at 1.2 %, but 17.9 → 23.8 % on the harder kal voice: set
 * `SPEECH_POCKETSPHINX_ARGS="-fwdflat yes"` to prefer accuracy), and a 250 ms `-vad_postspeech`
 * (default 500) lets pocketsphinx close the utterance itself during the trailing silence, before the
 * orchestrator's endpointer ends the input.
 */
export const POCKETSPHINX_LATENCY_ARGS: Readonly<Record<string, string>> = {
  '-fwdflat': 'no',
  '-vad_postspeech': '25',
};

function withLatencyDefaults(extra: string[]): string[] {
  const given = new Set(extra.filter((a) => a.startsWith('-')));
  const defaults = Object.entries(POCKETSPHINX_LATENCY_ARGS).filter(([flag]) => !given.has(flag));
  return [...defaults.flat(), ...extra];
}

export interface PocketsphinxOptions {
  binary?: string;
  /** Extra CLI arguments, e.g. `-hmm`, `-lm`, `-dict` for another model. */
  extraArgs?: string[];
}

interface Word {
  word: string;
  startS: number;
  endS: number;
}

/** `-time yes` prints one `word start end confidence` line per word; `<s>`/`</s>` frame an utterance. */
function parseWord(line: string): Word | null {
  const [raw, start, end] = line.trim().split(/\s+/);
  if (raw === undefined || start === undefined || end === undefined) return null;
  const startS = Number(start);
  const endS = Number(end);
  if (!Number.isFinite(startS) || !Number.isFinite(endS)) return null;
  return { word: raw.replace(/\(\d+\)$/, ''), startS, endS };
}

const isFiller = (word: string) => word.startsWith('<') || word.startsWith('[') || word.startsWith('+');

async function* utterances(output: AsyncIterable<string>): AsyncIterable<SpeechSegment> {
  let words: Word[] = [];
  for await (const line of output) {
    const word = parseWord(line);
    if (!word) continue;
    if (word.word === '</s>') {
      const spoken = words.filter((w) => !isFiller(w.word));
      if (spoken.length > 0) {
        const text = spoken.map((w) => w.word).join(' ');
        yield { text, startMs: spoken[0]!.startS * 1000, endMs: spoken.at(-1)!.endS * 1000 };
      }
      words = [];
    } else words.push(word);
  }
}

async function pump(audio: AsyncIterable<AudioChunk>, stdin: NodeJS.WritableStream): Promise<void> {
  try {
    for await (const chunk of audio) {
      if (chunk.sampleRateHz !== RATE_HZ || chunk.channels !== 1) {
        throw new BadSpeechInputError(
          'AUDIO_FORMAT_UNSUPPORTED',
          `pocketsphinx needs 16000 Hz mono audio, got ${chunk.sampleRateHz} Hz with ${chunk.channels} channel(s)`,
        );
      }
      if (!stdin.write(pcmToBytes(chunk.pcm))) await new Promise((r) => stdin.once('drain', r));
    }
  } finally {
    stdin.end();
  }
}

/**
 * CMU pocketsphinx through `pocketsphinx_continuous` reading raw PCM from stdin: it segments the audio
 * with its own endpointer and prints each utterance as soon as it ends, so results stream.
 */
export function createPocketsphinxStt(options: PocketsphinxOptions = {}): SttEngine {
  const binary = options.binary ?? 'pocketsphinx_continuous';
  const capability: SttCapability = {
    engine: 'pocketsphinx',
    model: 'pocketsphinx-en-us',
    languages: ['en'],
    sampleRateHz: RATE_HZ,
    streaming: true,
  };
  return {
    capability,
    async *transcribe(audio: AsyncIterable<AudioChunk>, opts: SttOptions) {
      if (opts.language !== undefined && !opts.language.startsWith('en')) {
        throw new BadSpeechInputError(
          'LANGUAGE_UNSUPPORTED',
          `pocketsphinx here only knows English, not "${opts.language}"`,
        );
      }
      const args = [
        '-infile',
        '/dev/stdin',
        '-logfn',
        '/dev/null',
        '-time',
        'yes',
        ...withLatencyDefaults(options.extraArgs ?? []),
      ];
      // Node gives a child a socket as stdin, which pocketsphinx cannot open as /dev/stdin; `cat` turns it
      // into a pipe. The arguments are passed positionally, never interpolated into the shell line.
      const { child, exited, kill } = spawnEngine('sh', ['-c', 'cat | exec "$0" "$@"', binary, ...args], opts.signal);
      const pumped = pump(audio, child.stdin).catch((error: unknown) => {
        kill();
        throw error;
      });
      pumped.catch(() => undefined); // settled below; this keeps an early rejection from counting as unhandled
      let finished = false;
      try {
        yield* utterances(lines(child.stdout));
        finished = true;
      } finally {
        if (!finished) kill(); // the consumer gave up early
        await settleAll(pumped, exited);
      }
    },
  };
}
