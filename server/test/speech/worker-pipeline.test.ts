import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AudioChunk } from '@ai-secretary/protocol';
import type { TestRuntime } from '../helpers/runtime.js';
import { chunked, fixturePath, readWav, speechFixtures, wordErrors } from '../helpers/speech.js';
import { startSpeechRuntime } from './helpers.js';

// Real engines in child processes on a shared machine: generous limits (no timing is asserted).
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

describe('speech through the local worker process', () => {
  let runtime: TestRuntime;

  beforeAll(async () => {
    speechFixtures();
    ({ runtime } = await startSpeechRuntime());
  });
  afterAll(async () => runtime?.dispose());

  it('announces capabilities: pocketsphinx, espeak-ng voices, silero VAD', () => {
    const [worker] = runtime.speech.pool.list();
    expect(worker?.capabilities.stt.map((c) => c.engine)).toContain('pocketsphinx');
    expect(worker?.capabilities.tts.map((v) => v.id)).toEqual(expect.arrayContaining(['en', 'ru']));
    expect(worker?.capabilities.vad).toEqual([{ engine: 'silero', sampleRateHz: 16000 }]);
  });

  it('pocketsphinx transcribes the slt fixtures with WER <= 5 %', async () => {
    const transcribe = async (file: string) => {
      const texts: string[] = [];
      const audio = readWav(fixturePath(file));
      for await (const s of runtime.speech.service.transcribeStream(chunked(audio), { language: 'en' }))
        texts.push(s.text);
      return texts.join(' ');
    };
    const items = speechFixtures().filter((i) => i.sampleRateHz === 16000);
    let errors = 0;
    let total = 0;
    for (let i = 0; i < items.length; i += 2) {
      const pair = items.slice(i, i + 2); // two at a time: the worker's capacity
      const texts = await Promise.all(pair.map((item) => transcribe(item.file)));
      pair.forEach((item, k) => {
        const [e, n] = wordErrors(item.text, texts[k]!);
        errors += e;
        total += n;
      });
    }
    expect(total).toBeGreaterThan(50);
    expect(errors / total).toBeLessThanOrEqual(0.05);
  });

  it('espeak-ng synthesizes speech in chunks that pocketsphinx recognizes again', async () => {
    const chunks: AudioChunk[] = [];
    for await (const c of runtime.speech.service.synthesize('please call me back tomorrow', { voice: 'en' }))
      chunks.push(c);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks[0]!.sampleRateHz).toBe(22050);
    const samples = chunks.reduce((n, c) => n + c.pcm.length, 0);
    expect(samples / 22050).toBeGreaterThan(0.8);
    const peak = Math.max(...chunks.flatMap((c) => Array.from(c.pcm, Math.abs)));
    expect(peak).toBeGreaterThan(1000);
  });

  it('silero VAD finds the speech and not the silence around it', async () => {
    const speech = readWav(fixturePath('en-slt16k-02.wav'));
    const silence = new Int16Array(16000); // 1 s
    const padded = { ...speech, pcm: Int16Array.from([...silence, ...speech.pcm, ...silence]) };
    const spans = [];
    for await (const s of runtime.speech.service.vad(chunked(padded))) spans.push(s);
    expect(spans.length).toBeGreaterThanOrEqual(1);
    expect(spans[0]!.startMs).toBeGreaterThan(900);
    expect(spans.at(-1)!.endMs).toBeLessThan(1000 + speech.pcm.length / 16 + 600);
  });

  it('refuses audio at the wrong sample rate with a 400-class error', async () => {
    const audio = readWav(fixturePath('en-slt8k-10.wav'));
    const run = async () => {
      for await (const _ of runtime.speech.service.transcribeStream(chunked(audio))) void _;
    };
    await expect(run()).rejects.toMatchObject({ statusCode: 400, code: 'SPEECH_BAD_INPUT' });
  });

  it('/ready reports the worker', async () => {
    const res = await runtime.app.inject({ method: 'GET', url: '/ready' });
    expect(res.statusCode).toBe(200);
    const speech = res
      .json<{ components: Array<{ name: string; ok: boolean; detail: string }> }>()
      .components.find((c) => c.name === 'speech-workers');
    expect(speech).toMatchObject({ ok: true, detail: expect.stringContaining('local worker ready') });
  });
});
