import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bearer, type TestRuntime } from '../helpers/runtime.js';
import { fixturePath, speechFixtures, wordErrors } from '../helpers/speech.js';
import { startSpeechRuntime } from './helpers.js';

// Real engines in child processes on a shared machine: generous limits (no timing is asserted).
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

describe('/v1/audio through the official openai client', () => {
  let runtime: TestRuntime;
  let baseUrl: string;
  let client: OpenAI;
  let apiKey: string;

  beforeAll(async () => {
    speechFixtures();
    ({ runtime, baseUrl } = await startSpeechRuntime({ SPEECH_MAX_UPLOAD_S: '30', OPENAI_VOICE_MAP: 'onyx=ru' }));
    const user = await runtime.createUser('user');
    apiKey = (await runtime.services.apiKeys.create({ name: 'speech', ownerId: user.id, createdBy: null })).key;
    client = new OpenAI({ apiKey, baseURL: `${baseUrl}/v1`, maxRetries: 0 });
  });
  afterAll(async () => runtime?.dispose());

  const upload = (file: string) => toFile(fs.readFileSync(fixturePath(file)), file, { type: 'audio/wav' });
  const item = () => speechFixtures().find((i) => i.file === 'en-slt16k-06.wav')!;

  it('transcribes a WAV upload (json)', async () => {
    const result = await client.audio.transcriptions.create({
      file: await upload(item().file),
      model: 'whisper-1',
      language: 'en',
    });
    const [errors, words] = wordErrors(item().text, result.text);
    expect(errors / words).toBeLessThanOrEqual(0.15);
  });

  it('decodes mp3 and ogg/opus uploads', async () => {
    for (const [ext, codec] of [
      ['mp3', 'libmp3lame'],
      ['ogg', 'libopus'],
    ] as const) {
      const encoded = execFileSync('ffmpeg', [
        '-loglevel',
        'error',
        '-i',
        fixturePath(item().file),
        '-c:a',
        codec,
        '-f',
        ext,
        'pipe:1',
      ]);
      const result = await client.audio.transcriptions.create({
        file: await toFile(encoded, `a.${ext}`),
        model: 'whisper-1',
      });
      expect(result.text).toContain('plan');
    }
  });

  it('answers verbose_json with segments, srt and vtt', async () => {
    const verbose = await client.audio.transcriptions.create({
      file: await upload('en-slt16k-08.wav'),
      model: 'whisper-1',
      response_format: 'verbose_json',
    });
    expect(verbose.segments?.length).toBeGreaterThanOrEqual(1);
    expect(verbose.text).toContain('office');
    expect(verbose.duration).toBeGreaterThan(1);
    const srt = await client.audio.transcriptions.create({
      file: await upload('en-slt16k-08.wav'),
      model: 'whisper-1',
      response_format: 'srt',
    });
    expect(srt).toMatch(/^1\n00:00:0\d,\d{3} --> 00:00:0\d,\d{3}\n.*office/);
    const vtt = await client.audio.transcriptions.create({
      file: await upload('en-slt16k-08.wav'),
      model: 'whisper-1',
      response_format: 'vtt',
    });
    expect(vtt).toMatch(/^WEBVTT\n\n00:00:0\d\.\d{3} --> /);
  });

  it('streams transcript.text.delta and transcript.text.done events', async () => {
    const stream = await client.audio.transcriptions.create({
      file: await upload(item().file),
      model: 'whisper-1',
      stream: true,
    });
    const types: string[] = [];
    let done = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'transcript.text.done') done = event.text;
    }
    expect(types.at(-1)).toBe('transcript.text.done');
    expect(types.filter((t) => t === 'transcript.text.delta').length).toBeGreaterThanOrEqual(1);
    expect(done).toContain('plan');
  });

  it('streams raw PCM with the sample rate in a header, and encodes wav, opus, flac', async () => {
    const res = await client.audio.speech.create({
      model: 'tts-1',
      voice: 'en',
      input: 'thank you for calling',
      response_format: 'pcm',
    });
    expect(res.headers.get('x-sample-rate')).toBe('22050');
    const pcm = Buffer.from(await res.arrayBuffer());
    expect(pcm.length / 2 / 22050).toBeGreaterThan(0.5);
    const magic = { wav: 'RIFF', opus: 'OggS', flac: 'fLaC' } as const;
    for (const format of ['wav', 'opus', 'flac'] as const) {
      const out = await client.audio.speech.create({
        model: 'tts-1',
        voice: 'en',
        input: 'hello',
        response_format: format,
      });
      expect(
        Buffer.from(await out.arrayBuffer())
          .subarray(0, 4)
          .toString('latin1'),
      ).toBe(magic[format]);
    }
  });

  it('speaks to an OpenAI client unchanged: OpenAI voice and model names, every response_format', async () => {
    const speak = async (voice: string, format: 'pcm' | 'mp3' | 'aac', model = 'tts-1') =>
      Buffer.from(
        await (
          await client.audio.speech.create({ model, voice, input: 'good morning', response_format: format })
        ).arrayBuffer(),
      );
    const isAdts = (b: Buffer) => b[0] === 0xff && (b[1]! & 0xf0) === 0xf0;
    const isMp3 = (b: Buffer) => b.subarray(0, 3).toString('latin1') === 'ID3' || isAdts(b);
    for (const model of ['tts-1', 'tts-1-hd', 'gpt-4o-mini-tts'])
      expect(isAdts(await speak('alloy', 'aac', model))).toBe(true);
    expect(isMp3(await speak('nova', 'mp3'))).toBe(true);
    // unmapped names speak with the default language's voice (VOICE_LANGUAGE=en); onyx is mapped to ru
    const [alloy, en, onyx, ru] = await Promise.all([
      speak('alloy', 'pcm'),
      speak('en', 'pcm'),
      speak('onyx', 'pcm'),
      speak('ru', 'pcm'),
    ]);
    expect(alloy.equals(en)).toBe(true);
    expect(onyx.equals(ru)).toBe(true);
    expect(onyx.equals(en)).toBe(false);
  });

  it('lists installed voices', async () => {
    const res = await fetch(`${baseUrl}/v1/audio/voices`, { headers: { authorization: `Bearer ${apiKey}` } });
    const body = (await res.json()) as { data: Array<{ id: string; engine: string }> };
    expect(body.data).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'ru', engine: 'espeak-ng' })]));
  });

  describe('bad input gets a 400 in the OpenAI envelope', () => {
    const expect400 = async (promise: Promise<unknown>, pattern: RegExp) => {
      const error = await promise.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect((error as InstanceType<typeof OpenAI.BadRequestError>).message).toMatch(pattern);
    };

    it('unknown voice', () =>
      expect400(
        client.audio.speech.create({ model: 'tts-1', voice: 'nobody', input: 'hello' }),
        /Voice "nobody" is not installed/,
      ));

    it('unknown speech response_format: one sentence naming the formats', () =>
      expect400(
        client.audio.speech.create({
          model: 'tts-1',
          voice: 'alloy',
          input: 'hello',
          response_format: 'ogg' as 'opus',
        }),
        /^400 body\/response_format must be one of: "wav", "pcm", "mp3", "opus", "aac", "flac"$/,
      ));

    it('text too long', () =>
      expect400(client.audio.speech.create({ model: 'tts-1', voice: 'en', input: 'a'.repeat(4097) }), /input/));

    it('empty file', async () =>
      expect400(
        client.audio.transcriptions.create({ file: await toFile(Buffer.alloc(0), 'a.wav'), model: 'whisper-1' }),
        /empty/,
      ));

    it('unsupported audio', async () =>
      expect400(
        client.audio.transcriptions.create({
          file: await toFile(Buffer.from('this is not audio at all'.repeat(20)), 'a.wav'),
          model: 'whisper-1',
        }),
        /not audio/,
      ));

    it('wrong (too low) sample rate', async () =>
      expect400(
        client.audio.transcriptions.create({ file: await upload('en-slt8k-10.wav'), model: 'whisper-1' }),
        /8000 Hz.*16000 Hz/,
      ));

    it('unsupported language', async () =>
      expect400(
        client.audio.transcriptions.create({ file: await upload(item().file), model: 'whisper-1', language: 'de' }),
        /language "de"/,
      ));

    it('audio that decodes to more than SPEECH_MAX_UPLOAD_S (a small file of long silence)', async () => {
      const silence = execFileSync('ffmpeg', [
        ...['-loglevel', 'error', '-f', 'lavfi', '-i', 'anullsrc=r=16000:cl=mono', '-t', '120'],
        ...['-c:a', 'libopus', '-b:a', '6k', '-f', 'ogg', 'pipe:1'],
      ]);
      expect(silence.length).toBeLessThan(200_000);
      await expect400(
        client.audio.transcriptions.create({ file: await toFile(silence, 'long.ogg'), model: 'whisper-1' }),
        /longer than 30 s/,
      );
    });

    it('a prompt over the worker limit is refused at the edge (no job that the worker would refuse)', async () =>
      expect400(
        client.audio.transcriptions.create({
          file: await upload(item().file),
          model: 'whisper-1',
          prompt: 'p'.repeat(4001),
        }),
        /prompt is longer than 4000/,
      ));

    it('unknown response_format', async () => {
      const form = new FormData();
      form.set('file', new Blob([fs.readFileSync(fixturePath(item().file))]), 'a.wav');
      form.set('model', 'whisper-1');
      form.set('response_format', 'xml');
      const res = await fetch(`${baseUrl}/v1/audio/transcriptions`, {
        method: 'POST',
        body: form,
        headers: { authorization: `Bearer ${apiKey}` },
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { param: string | null; type: string } }).error.type).toBe(
        'invalid_request_error',
      );
    });

    it('no API key', async () => {
      const res = await fetch(`${baseUrl}/v1/audio/voices`);
      expect(res.status).toBe(401);
    });
  });

  describe('admin speech API', () => {
    it('lists voices and models, and runs the TTS and STT test endpoints', async () => {
      const headers = bearer(await runtime.adminToken());
      const voices = await runtime.app.inject({ method: 'GET', url: '/api/speech/voices', headers });
      expect(voices.json().voices.map((v: { id: string }) => v.id)).toEqual(expect.arrayContaining(['en', 'ru']));
      const models = await runtime.app.inject({ method: 'GET', url: '/api/speech/models', headers });
      expect(models.json().models).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: 'sherpa-onnx-whisper-tiny', state: 'missing' })]),
      );
      const tts = await runtime.app.inject({
        method: 'POST',
        url: '/api/speech/test/tts',
        headers,
        payload: { text: 'can I speak to the manager please', voice: 'en' },
      });
      expect(tts.statusCode).toBe(200);
      expect(tts.json()).toMatchObject({ sampleRateHz: 22050, durationMs: expect.any(Number) });
      const wav = fs.readFileSync(fixturePath('en-slt16k-03.wav')).toString('base64');
      const stt = await runtime.app.inject({
        method: 'POST',
        url: '/api/speech/test/stt',
        headers,
        payload: { audioBase64: wav, language: 'en' },
      });
      expect(stt.json().text).toContain('manager');
      const bad = await runtime.app.inject({
        method: 'POST',
        url: '/api/speech/test/stt',
        headers,
        payload: { audioBase64: Buffer.from('nonsense').toString('base64') },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.code).toBe('AUDIO_INVALID');
    });

    it('is for admins only', async () => {
      const user = await runtime.createUser('user');
      const res = await runtime.app.inject({ method: 'GET', url: '/api/speech/workers', headers: bearer(user.token) });
      expect(res.statusCode).toBe(403);
    });
  });
});
