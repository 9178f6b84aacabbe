import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { AudioChunk } from '@ai-secretary/protocol';
import { AudioInvalidError, SpeechInputError } from '../errors.js';

/** What /v1/audio/speech can answer in (`response_format`). */
export const SPEECH_FORMATS = ['wav', 'pcm', 'mp3', 'opus', 'aac', 'flac'] as const;
export type SpeechFormat = (typeof SPEECH_FORMATS)[number];

export const CONTENT_TYPES: Record<SpeechFormat, string> = {
  wav: 'audio/wav',
  pcm: 'audio/pcm',
  mp3: 'audio/mpeg',
  opus: 'audio/ogg',
  aac: 'audio/aac',
  flac: 'audio/flac',
};

const ENCODER_ARGS: Record<Exclude<SpeechFormat, 'pcm'>, string[]> = {
  wav: ['-f', 'wav'],
  mp3: ['-c:a', 'libmp3lame', '-b:a', '64k', '-f', 'mp3'],
  opus: ['-c:a', 'libopus', '-b:a', '32k', '-f', 'ogg'],
  // ADTS: the streamable AAC container OpenAI answers with (an .m4a needs its index written last)
  aac: ['-c:a', 'aac', '-b:a', '64k', '-f', 'adts'],
  flac: ['-c:a', 'flac', '-f', 'flac'],
};

interface RunLimits {
  /** Output bytes kept; ffmpeg is killed once it produces more (`truncated` is then true). */
  maxStdoutBytes?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

interface RunResult {
  stdout: Buffer;
  stderr: string;
  code: number | null;
  truncated: boolean;
  timedOut: boolean;
}

function run(args: string[], input: Buffer, limits: RunLimits = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let truncated = false;
    let timedOut = false;
    const stop = () => child.kill('SIGKILL');
    child.stdout.on('data', (d: Buffer) => {
      if (truncated) return;
      outBytes += d.length;
      if (limits.maxStdoutBytes !== undefined && outBytes > limits.maxStdoutBytes) {
        truncated = true;
        return stop();
      }
      out.push(d);
    });
    child.stderr.on('data', (d: Buffer) => err.length < 64 && err.push(d));
    child.stdin.on('error', () => undefined);
    const timer =
      limits.timeoutMs === undefined ? undefined : setTimeout(() => ((timedOut = true), stop()), limits.timeoutMs);
    limits.signal?.addEventListener('abort', stop, { once: true });
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      limits.signal?.removeEventListener('abort', stop);
      resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString(), code, truncated, timedOut });
    });
    child.stdin.end(input);
  });
}

/** The input's sample rate (first audio stream), or an AudioInvalidError when ffmpeg finds no audio in it. */
export async function probeSampleRate(file: Buffer): Promise<number> {
  // `-f null` decodes nothing useful but makes ffmpeg print the input's streams on stderr.
  const { stderr } = await run(['-loglevel', 'info', '-i', 'pipe:0', '-t', '0', '-f', 'null', '-'], file);
  const match = /Stream #\S+.*Audio: [^\n]*?\b(\d+) Hz/.exec(stderr);
  if (!match) throw new AudioInvalidError('The file is not audio ffmpeg can decode (wav, mp3, ogg/opus, webm, flac)');
  return Number(match[1]);
}

export interface DecodeLimits {
  /** Longest decoded audio accepted (a small file can hold hours of silence). */
  maxSeconds: number;
  /** Wall-clock bound on decoding. */
  timeoutMs?: number;
  /** Aborts decoding (the client went away). */
  signal?: AbortSignal;
}

/**
 * Decodes any container/codec ffmpeg knows into mono 16-bit PCM at `sampleRateHz`. Memory stays bounded by
 * `maxSeconds`: ffmpeg stops after that much output, and longer audio is refused, not truncated.
 */
export async function decodeToPcm(file: Buffer, sampleRateHz: number, limits: DecodeLimits): Promise<AudioChunk> {
  const maxBytes = Math.ceil(limits.maxSeconds * sampleRateHz) * 2;
  const { stdout, code, truncated, timedOut } = await run(
    ['-i', 'pipe:0', '-vn', '-ac', '1', '-ar', String(sampleRateHz), '-t', String(limits.maxSeconds + 1)].concat([
      '-f',
      's16le',
      'pipe:1',
    ]),
    file,
    { maxStdoutBytes: maxBytes, timeoutMs: limits.timeoutMs ?? 60_000, signal: limits.signal },
  );
  if (truncated || stdout.length > maxBytes)
    throw new SpeechInputError(
      `The audio is longer than ${limits.maxSeconds} s, the longest accepted here`,
      'AUDIO_TOO_LONG',
      'file',
    );
  if (limits.signal?.aborted) throw new AudioInvalidError('Decoding was cancelled');
  if (timedOut) throw new AudioInvalidError('The audio took too long to decode');
  if (code !== 0) throw new AudioInvalidError('The audio could not be decoded');
  const pcm = new Int16Array(stdout.length >> 1);
  Buffer.from(pcm.buffer).set(stdout.subarray(0, pcm.length * 2));
  return { pcm, sampleRateHz, channels: 1 };
}

/** Encodes streamed PCM with ffmpeg; the returned stream yields encoded bytes as they are produced. */
export function encodeStream(
  format: Exclude<SpeechFormat, 'pcm'>,
  first: AudioChunk,
  rest: AsyncIterable<AudioChunk>,
): Readable {
  const args = [
    '-f',
    's16le',
    '-ar',
    String(first.sampleRateHz),
    '-ac',
    String(first.channels),
    '-i',
    'pipe:0',
    ...ENCODER_ARGS[format],
    'pipe:1',
  ];
  const child = spawn('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', ...args], {
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  child.stdin.on('error', () => undefined);
  const feed = async () => {
    const write = (c: AudioChunk) => child.stdin.write(Buffer.from(c.pcm.buffer, c.pcm.byteOffset, c.pcm.byteLength));
    write(first);
    for await (const chunk of rest) if (!write(chunk)) await new Promise((r) => child.stdin.once('drain', r));
    child.stdin.end();
  };
  feed().catch((error: unknown) => {
    child.kill('SIGKILL');
    child.stdout.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  child.stdout.once('close', () => child.kill('SIGKILL'));
  return child.stdout;
}
