import type { AudioChunk } from './types.js';

/** Audio conversions at the GSM edge: 8 ↔ 16 kHz, downlink conditioning, 20 ms framing. */

export const FRAME_MS = 20;

export const samplesPerFrame = (sampleRateHz: number) => (sampleRateHz * FRAME_MS) / 1000;

const clamp16 = (v: number) => (v > 32767 ? 32767 : v < -32768 ? -32768 : Math.round(v));

/** Stateful 2× upsampler (linear interpolation across chunk boundaries). */
export function createUpsampler2x() {
  let last = 0;
  return (input: Int16Array): Int16Array => {
    const out = new Int16Array(input.length * 2);
    for (let i = 0; i < input.length; i++) {
      const s = input[i] as number;
      out[2 * i] = clamp16((last + s) / 2);
      out[2 * i + 1] = s;
      last = s;
    }
    return out;
  };
}

/** Stateful 2× downsampler with a short half-band low-pass (kills aliasing above 4 kHz). */
export function createDownsampler2x() {
  const taps = [-0.0318, 0, 0.2817, 0.5, 0.2817, 0, -0.0318];
  const history = new Float64Array(taps.length);
  let phase = 0;
  return (input: Int16Array): Int16Array => {
    const out: number[] = [];
    for (const s of input) {
      history.copyWithin(1, 0);
      history[0] = s;
      phase ^= 1;
      if (phase === 1) continue;
      let acc = 0;
      for (let k = 0; k < taps.length; k++) acc += (taps[k] as number) * (history[k] as number);
      out.push(clamp16(acc));
    }
    return Int16Array.from(out);
  };
}

/** A resampler between two of the rates GSM uses (8000, 16000); identity when equal. */
export function createResampler(fromHz: number, toHz: number): (pcm: Int16Array) => Int16Array {
  if (fromHz === toHz) return (pcm) => pcm;
  if (fromHz * 2 === toHz) return createUpsampler2x();
  if (fromHz === toHz * 2) return createDownsampler2x();
  throw new RangeError(`Unsupported resampling ${fromHz} → ${toHz} Hz`);
}

/**
 * High-pass (2nd-order Butterworth, ~180 Hz) then pre-emphasis: narrowband TTS is muddy on a phone line
 * without it. Stateful across chunks.
 */
export function createDownlinkConditioner(sampleRateHz: number, cutoffHz = 180, preEmphasis = 0.85) {
  const w = Math.tan((Math.PI * cutoffHz) / sampleRateHz);
  const norm = 1 / (1 + Math.SQRT2 * w + w * w);
  const b0 = norm;
  const b1 = -2 * norm;
  const a1 = 2 * (w * w - 1) * norm;
  const a2 = (1 - Math.SQRT2 * w + w * w) * norm;
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  let prev = 0;
  return (input: Int16Array): Int16Array => {
    const out = new Int16Array(input.length);
    for (let i = 0; i < input.length; i++) {
      const x = input[i] as number;
      const y = b0 * x + b1 * x1 + b0 * x2 - a1 * y1 - a2 * y2;
      x2 = x1;
      x1 = x;
      y2 = y1;
      y1 = y;
      out[i] = clamp16(y - preEmphasis * prev);
      prev = y;
    }
    return out;
  };
}

/** Mixes interleaved channels down to mono. */
export function toMono(chunk: AudioChunk): Int16Array {
  if (chunk.channels === 1) return chunk.pcm;
  const frames = Math.floor(chunk.pcm.length / chunk.channels);
  const out = new Int16Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < chunk.channels; c++) sum += chunk.pcm[i * chunk.channels + c] as number;
    out[i] = clamp16(sum / chunk.channels);
  }
  return out;
}

/** Collects arbitrary-size PCM into fixed frames: a FIFO of chunks, so pushes never copy what is queued. */
export class FrameBuffer {
  private readonly chunks: Int16Array[] = [];
  private offset = 0;
  private queued = 0;

  constructor(readonly frameSamples: number) {}

  push(pcm: Int16Array): void {
    if (pcm.length === 0) return;
    this.chunks.push(pcm);
    this.queued += pcm.length;
  }

  get frames(): number {
    return Math.floor(this.queued / this.frameSamples);
  }

  get samples(): number {
    return this.queued;
  }

  shift(): Int16Array | null {
    if (this.queued < this.frameSamples) return null;
    return this.take(new Int16Array(this.frameSamples), this.frameSamples);
  }

  /** The remainder padded with silence to a full frame, or null when empty. */
  flush(): Int16Array | null {
    if (this.queued === 0) return null;
    return this.take(new Int16Array(this.frameSamples), Math.min(this.queued, this.frameSamples));
  }

  private take(frame: Int16Array, count: number): Int16Array {
    let filled = 0;
    while (filled < count) {
      const head = this.chunks[0] as Int16Array;
      const n = Math.min(count - filled, head.length - this.offset);
      frame.set(head.subarray(this.offset, this.offset + n), filled);
      filled += n;
      this.offset += n;
      if (this.offset === head.length) {
        this.chunks.shift();
        this.offset = 0;
      }
    }
    this.queued -= count;
    return frame;
  }
}

/** Bytes (little-endian 16-bit) ↔ samples; copies so odd offsets are safe. */
export function bytesToPcm(bytes: Buffer): Int16Array {
  const even = bytes.length - (bytes.length % 2);
  const out = new Int16Array(even / 2);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readInt16LE(i * 2);
  return out;
}

export function pcmToBytes(pcm: Int16Array): Buffer {
  return Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
}

/** Root-mean-square level of a chunk (0..32768). */
export function rms(pcm: Int16Array): number {
  if (pcm.length === 0) return 0;
  let sum = 0;
  for (const s of pcm) sum += s * s;
  return Math.sqrt(sum / pcm.length);
}
