/** The one audio chunk type used everywhere: 16-bit signed PCM, interleaved when channels > 1. */
export interface AudioChunk {
  pcm: Int16Array;
  sampleRateHz: number;
  channels: number;
}

export const SUPPORTED_RATES_HZ = [8000, 16000, 24000, 48000] as const;
/** What the engine hands to VAD and STT: 16 kHz mono. */
export const ENGINE_RATE_HZ = 16000;

export function durationMs(chunk: AudioChunk): number {
  return (chunk.pcm.length / chunk.channels / chunk.sampleRateHz) * 1000;
}

export function samplesFor(ms: number, sampleRateHz: number): number {
  return Math.round((ms * sampleRateHz) / 1000);
}

export function silence(ms: number, sampleRateHz = ENGINE_RATE_HZ): AudioChunk {
  return { pcm: new Int16Array(samplesFor(ms, sampleRateHz)), sampleRateHz, channels: 1 };
}

/** Averages interleaved channels into one. */
export function toMono(chunk: AudioChunk): AudioChunk {
  if (chunk.channels === 1) return chunk;
  const frames = Math.floor(chunk.pcm.length / chunk.channels);
  const out = new Int16Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < chunk.channels; c++) sum += chunk.pcm[i * chunk.channels + c]!;
    out[i] = Math.round(sum / chunk.channels);
  }
  return { pcm: out, sampleRateHz: chunk.sampleRateHz, channels: 1 };
}

/** Root mean square of the samples, 0..32768. */
export function rms(pcm: Int16Array): number {
  if (pcm.length === 0) return 0;
  let sum = 0;
  for (const s of pcm) sum += s * s;
  return Math.sqrt(sum / pcm.length);
}

export function peak(pcm: Int16Array): number {
  let max = 0;
  for (const s of pcm) max = Math.max(max, Math.abs(s));
  return max;
}

export function concatChunks(chunks: readonly AudioChunk[]): AudioChunk | null {
  const first = chunks[0];
  if (first === undefined) return null;
  const pcm = new Int16Array(chunks.reduce((n, c) => n + c.pcm.length, 0));
  let offset = 0;
  for (const c of chunks) {
    pcm.set(c.pcm, offset);
    offset += c.pcm.length;
  }
  return { pcm, sampleRateHz: first.sampleRateHz, channels: first.channels };
}

/** Splits one chunk into frames of `frameMs` (the last one may be shorter). */
export function sliceChunk(chunk: AudioChunk, frameMs: number): AudioChunk[] {
  const step = samplesFor(frameMs, chunk.sampleRateHz) * chunk.channels;
  const out: AudioChunk[] = [];
  for (let i = 0; i < chunk.pcm.length; i += step) {
    out.push({ ...chunk, pcm: chunk.pcm.subarray(i, Math.min(i + step, chunk.pcm.length)) });
  }
  return out;
}

export interface Resampler {
  /** Converts the next piece of a continuous mono stream; keeps phase across calls. */
  push(pcm: Int16Array): Int16Array;
}

/**
 * Linear-interpolation resampler for continuous mono streams. Good enough for speech between the
 * telephone and wideband rates; a windowed-sinc one can replace it behind the same interface.
 */
export function createResampler(fromHz: number, toHz: number): Resampler {
  if (fromHz === toHz) return { push: (pcm) => pcm };
  const step = fromHz / toHz;
  // Positions index a virtual array [previous, ...pcm]; index 0 is the last sample of the last piece.
  let position = 1;
  let previous = 0;
  return {
    push(pcm) {
      const out: number[] = [];
      const at = (i: number) => (i === 0 ? previous : pcm[i - 1]!);
      while (position <= pcm.length) {
        const base = Math.floor(position);
        const frac = position - base;
        const next = base + 1 <= pcm.length ? at(base + 1) : at(base);
        out.push(Math.round(at(base) * (1 - frac) + next * frac));
        position += step;
      }
      if (pcm.length > 0) previous = pcm[pcm.length - 1]!;
      position -= pcm.length;
      return Int16Array.from(out);
    },
  };
}

/** One-shot conversion of a whole chunk (mono mix + resample). */
export function convertChunk(chunk: AudioChunk, toHz: number): AudioChunk {
  const mono = toMono(chunk);
  const pcm = createResampler(mono.sampleRateHz, toHz).push(mono.pcm);
  return { pcm, sampleRateHz: toHz, channels: 1 };
}

/** Stage: any rate / channel count in, mono at `toHz` out, with phase kept across chunks. */
export async function* convertStream(source: AsyncIterable<AudioChunk>, toHz: number): AsyncIterable<AudioChunk> {
  let resampler: Resampler | null = null;
  let fromHz = 0;
  for await (const chunk of source) {
    if (resampler === null || chunk.sampleRateHz !== fromHz) {
      fromHz = chunk.sampleRateHz;
      resampler = createResampler(fromHz, toHz);
    }
    const pcm = resampler.push(toMono(chunk).pcm);
    if (pcm.length > 0) yield { pcm, sampleRateHz: toHz, channels: 1 };
  }
}

/** Stage: re-slices a stream into fixed frames of `frameMs` (the transports' packet size). */
export async function* rechunk(source: AsyncIterable<AudioChunk>, frameMs: number): AsyncIterable<AudioChunk> {
  let pending: AudioChunk[] = [];
  let pendingSamples = 0;
  for await (const chunk of source) {
    pending.push(chunk);
    pendingSamples += chunk.pcm.length;
    const frame = samplesFor(frameMs, chunk.sampleRateHz) * chunk.channels;
    if (pendingSamples < frame) continue;
    const all = concatChunks(pending)!;
    const whole = all.pcm.length - (all.pcm.length % frame);
    for (let i = 0; i < whole; i += frame) yield { ...all, pcm: all.pcm.slice(i, i + frame) };
    pending = whole < all.pcm.length ? [{ ...all, pcm: all.pcm.slice(whole) }] : [];
    pendingSamples = all.pcm.length - whole;
  }
  const rest = concatChunks(pending);
  if (rest !== null && rest.pcm.length > 0) yield rest;
}

export interface PaceOptions {
  signal?: AbortSignal;
  /** How far ahead of real time chunks may be released (jitter buffer of the far end). */
  leadMs?: number;
  /** 1 = real time; 2 = twice as fast (benchmarks and tests). */
  speed?: number;
  now?: () => number;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Stage for transports: releases chunks no faster than real time. It pulls one chunk at a time, so
 * whatever the producer has not yet handed over can still be dropped (barge-in) upstream.
 * When the source is idle (nothing to say) the schedule restarts, so silence is not "saved up".
 */
export async function* paceRealtime(source: AsyncIterable<AudioChunk>, options: PaceOptions = {}) {
  const now = options.now ?? (() => performance.now());
  const lead = options.leadMs ?? 40;
  const speed = options.speed ?? 1;
  let due = now();
  for await (const chunk of source) {
    if (options.signal?.aborted) return;
    due = Math.max(due, now());
    await sleep(due - now() - lead, options.signal);
    if (options.signal?.aborted) return;
    yield chunk;
    due += durationMs(chunk) / speed;
  }
}
