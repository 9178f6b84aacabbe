import { describe, expect, it } from 'vitest';
import { AsyncQueue } from '@ai-secretary/protocol';
import {
  concatChunks,
  convertChunk,
  convertStream,
  createResampler,
  durationMs,
  paceRealtime,
  peak,
  rechunk,
  rms,
  sliceChunk,
  toMono,
  type AudioChunk,
} from '../../src/core/voice/audio.js';
import { extractPhoneNumber, yesOrNo } from '../../src/core/voice/message-taking.js';
import { OutputChannel } from '../../src/core/voice/output.js';

function sine(freqHz: number, ms: number, rateHz: number): AudioChunk {
  const n = Math.round((rateHz * ms) / 1000);
  const pcm = new Int16Array(n);
  for (let i = 0; i < n; i++) pcm[i] = Math.round(10000 * Math.sin((2 * Math.PI * freqHz * i) / rateHz));
  return { pcm, sampleRateHz: rateHz, channels: 1 };
}

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

async function* from<T>(items: T[]) {
  yield* items;
}

describe('audio helpers', () => {
  it('resamples between 8, 16, 24 and 48 kHz keeping duration and level', () => {
    for (const [from, to] of [
      [8000, 16000],
      [16000, 8000],
      [48000, 16000],
      [24000, 16000],
      [16000, 48000],
    ] as const) {
      const out = convertChunk(sine(300, 500, from), to);
      expect(out.sampleRateHz).toBe(to);
      expect(Math.abs(durationMs(out) - 500)).toBeLessThanOrEqual(1);
      expect(rms(out.pcm)).toBeGreaterThan(6500);
      expect(rms(out.pcm)).toBeLessThan(7600);
    }
  });

  it('resamples a stream in pieces exactly like in one go (no clicks at chunk seams)', () => {
    const whole = sine(440, 300, 48000);
    const once = createResampler(48000, 16000).push(whole.pcm);
    const streaming = createResampler(48000, 16000);
    const pieces = sliceChunk(whole, 7).map((c) => streaming.push(c.pcm));
    const joined = concatChunks(pieces.map((pcm) => ({ pcm, sampleRateHz: 16000, channels: 1 })))!;
    expect(Array.from(joined.pcm)).toEqual(Array.from(once));
  });

  it('mixes stereo to mono and measures RMS and peak', () => {
    const stereo = { pcm: Int16Array.from([100, 300, -200, -400]), sampleRateHz: 48000, channels: 2 };
    expect(Array.from(toMono(stereo).pcm)).toEqual([200, -300]);
    expect(peak(stereo.pcm)).toBe(400);
    expect(rms(Int16Array.from([3, -4]))).toBeCloseTo(Math.sqrt(12.5));
  });

  it('converts a 48 kHz stereo stream to 16 kHz mono and re-slices it into 20 ms frames', async () => {
    const stereo = { pcm: new Int16Array(4800 * 2).fill(1000), sampleRateHz: 48000, channels: 2 };
    const frames = await collect(rechunk(convertStream(from([stereo, stereo]), 16000), 20));
    expect(frames.every((f) => f.sampleRateHz === 16000 && f.channels === 1)).toBe(true);
    expect(frames.slice(0, -1).every((f) => f.pcm.length === 320)).toBe(true);
    expect(frames.reduce((n, f) => n + f.pcm.length, 0)).toBe(3200);
  });

  it('paces chunks on a schedule (virtual clock)', async () => {
    let now = 0;
    const released: number[] = [];
    const chunks = [sine(300, 100, 16000), sine(300, 100, 16000), sine(300, 100, 16000)];
    for await (const _ of paceRealtime(from(chunks), { leadMs: 0, now: () => now })) {
      released.push(now);
      now += 100; // the transport took 100 ms to play it
    }
    expect(released).toEqual([0, 100, 200]);
  });

  it('output channel: marks resolve when played, clear drops queued audio', async () => {
    const out = new OutputChannel(16000);
    out.push(sine(300, 20, 16000));
    const played = out.mark();
    out.push(sine(300, 20, 16000));
    const dropped = out.mark();
    const it = out[Symbol.asyncIterator]();
    await it.next();
    expect(await played).toBe(true);
    expect(Math.round(out.clear())).toBe(20);
    expect(await dropped).toBe(false);
    out.close();
    expect((await it.next()).done).toBe(true);
  });

  it('async queue delivers in order and surfaces a failure after queued items', async () => {
    const q = new AsyncQueue<number>();
    q.push(1);
    q.push(2);
    q.fail(new Error('boom'));
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const n of q) seen.push(n);
      })(),
    ).rejects.toThrow('boom');
    expect(seen).toEqual([1, 2]);
  });
});

describe('message-taking parsing', () => {
  it('reads spoken phone numbers in English and Russian', () => {
    expect(extractPhoneNumber('plus one five five five 123 45 67')).toBe('+15551234567');
    expect(extractPhoneNumber('восемь девять один шесть, 123-45-67')).toBe('89161234567');
    expect(extractPhoneNumber('+7 (916) 123-45-67')).toBe('+79161234567');
    expect(extractPhoneNumber('I do not know')).toBe('');
  });

  it('understands yes and no', () => {
    expect(yesOrNo('Yes, that is right')).toBe('yes');
    expect(yesOrNo('Да, всё верно.')).toBe('yes');
    expect(yesOrNo('No, the number is wrong')).toBe('no');
    expect(yesOrNo('Нет')).toBe('no');
    expect(yesOrNo('Maybe later')).toBeNull();
  });
});
