import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelSet } from '@ai-secretary/protocol';
import { createWorkerLogger } from '../src/kit/logger.js';
import { buildEngines } from '../src/speech/build-engines.js';
import { loadSpeechWorkerConfig } from '../src/speech/config.js';
import { SYSTEM_ESPEAK_DATA, sherpaSttConfig, sherpaTtsConfig } from '../src/speech/engines/sherpa-config.js';
import { createSherpaStt, createSherpaTts, sherpaVoices } from '../src/speech/engines/sherpa-engines.js';
import { BUNDLED_SILERO, createSileroVad } from '../src/speech/engines/silero-vad.js';
import { EngineSetupError } from '../src/speech/engines/types.js';
import { loadManifest, verifyModelSet } from '../src/speech/models/verify.js';

const root = path.resolve(import.meta.dirname, '../..');
const manifest = loadManifest(path.join(root, 'models/manifest.json'));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sherpa-unit-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const set = (name: string): ModelSet => manifest.models.find((m) => m.name === name)!;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('sherpa configuration from the manifest', () => {
  it('builds an online transducer config (streaming) from file roles', () => {
    const { online, config } = sherpaSttConfig(set('sherpa-onnx-streaming-zipformer-en-20m-2023-02-17'), '/m/z', 'cpu');
    expect(online).toBe(true);
    expect(config.modelConfig).toMatchObject({
      transducer: {
        encoder: '/m/z/encoder-epoch-99-avg-1.int8.onnx',
        decoder: '/m/z/decoder-epoch-99-avg-1.onnx',
        joiner: '/m/z/joiner-epoch-99-avg-1.int8.onnx',
      },
      tokens: '/m/z/tokens.txt',
      provider: 'cpu',
    });
  });

  it('configures the Russian T-one telephony model at 8 kHz and whisper/sense-voice as offline', () => {
    const tone = sherpaSttConfig(set('sherpa-onnx-streaming-t-one-russian-2025-09-08'), '/m/t', 'cuda');
    expect(tone).toMatchObject({
      online: true,
      config: {
        featConfig: { sampleRate: 8000 },
        modelConfig: { toneCtc: { model: '/m/t/model.onnx' }, provider: 'cuda' },
      },
    });
    expect(sherpaSttConfig(set('sherpa-onnx-whisper-tiny'), '/m/w', 'cpu', 'ru')).toMatchObject({
      online: false,
      config: { modelConfig: { whisper: { language: 'ru' } } },
    });
    expect(sherpaSttConfig(set('sherpa-onnx-sense-voice-zh-en-ja-ko-yue-2024-07-17'), '/m/s', 'cpu').online).toBe(
      false,
    );
  });

  it('configures piper (with the system espeak-ng data) and kokoro voices', () => {
    const piper = sherpaTtsConfig(set('vits-piper-en_us-amy-low'), '/m/p', 'cpu');
    expect(piper.model).toMatchObject({
      vits: { model: '/m/p/en_US-amy-low.onnx', tokens: '/m/p/tokens.txt', dataDir: SYSTEM_ESPEAK_DATA },
    });
    expect(fs.existsSync(SYSTEM_ESPEAK_DATA)).toBe(true);
    expect(sherpaVoices(set('kokoro-en-v0_19')).map((v) => [v.id, v.speaker, v.sampleRateHz])).toEqual([
      ['kokoro-af', 0, 24000],
      ['kokoro-am-adam', 5, 24000],
    ]);
  });

  it('refuses to configure a set as the wrong kind', () => {
    expect(() => sherpaTtsConfig(set('sherpa-onnx-whisper-tiny'), '/m', 'cpu')).toThrow(EngineSetupError);
    expect(() => sherpaSttConfig(set('kokoro-en-v0_19'), '/m', 'cpu')).toThrow(/not a speech recognizer/);
  });
});

describe('model validation before loading (sherpa would abort the process)', () => {
  it('a missing model set is refused with MODEL_MISSING', async () => {
    const error = await createSherpaStt({
      modelsDir: work,
      set: set('sherpa-onnx-whisper-tiny'),
      provider: 'cpu',
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'MODEL_MISSING', model: 'sherpa-onnx-whisper-tiny' });
  });

  it('files without any pin are refused (nothing to check them against)', async () => {
    const piper = set('vits-piper-en_us-amy-low');
    fs.mkdirSync(path.join(work, piper.name), { recursive: true });
    for (const f of piper.files) fs.writeFileSync(path.join(work, piper.name, f.path), 'x');
    expect((await verifyModelSet(work, piper)).state).toBe('unpinned');
    await expect(createSherpaTts({ modelsDir: work, set: piper, provider: 'cpu' })).rejects.toMatchObject({
      code: 'MODEL_UNPINNED',
    });
  });

  it('a corrupt silero file is refused and the process lives on', async () => {
    const copy = path.join(work, 'silero.onnx');
    const bytes = fs.readFileSync(BUNDLED_SILERO.resolve());
    bytes[1000] = bytes[1000]! ^ 0xff;
    fs.writeFileSync(copy, bytes);
    await expect(createSileroVad({ modelFile: copy })).rejects.toMatchObject({ code: 'MODEL_CORRUPT' });
    await expect(createSileroVad({ modelFile: path.join(work, 'none.onnx') })).rejects.toMatchObject({
      code: 'MODEL_MISSING',
    });
    expect(sha(fs.readFileSync(BUNDLED_SILERO.resolve()))).toBe(BUNDLED_SILERO.sha256);
  });

  it('a worker configured with broken engines reports them and keeps the working ones', async () => {
    const config = loadSpeechWorkerConfig(
      ['--url', 'ws://127.0.0.1:1/ws/workers', '--token', 't'],
      {
        SPEECH_STT: 'pocketsphinx,sherpa:sherpa-onnx-whisper-tiny,sherpa:no-such-set,remote,bogus',
        SPEECH_TTS: 'espeak-ng',
        SHERPA_MODELS_DIR: work,
        SPEECH_DEVICE: 'cuda',
      },
      root,
    );
    const engines = await buildEngines(config, createWorkerLogger('test', 'silent'));
    expect(engines.stt.map((e) => e.capability.engine)).toEqual(['pocketsphinx']);
    expect(engines.vad).toHaveLength(1);
    expect(engines.device).toBe('cpu'); // no CUDA here: falls back, and says so
    expect(engines.problems.map((p) => p.code)).toEqual([
      'PROVIDER_FALLBACK',
      'MODEL_MISSING',
      'MODEL_UNKNOWN',
      'REMOTE_NOT_CONFIGURED',
      'ENGINE_UNKNOWN',
    ]);
  });
});

// Opt-in: SHERPA_MODELS_DIR pointing at sets installed with `npm run models -- download <name>`.
const modelsDir = process.env.SHERPA_MODELS_DIR;
describe.skipIf(!modelsDir)('installed sherpa models (opt-in)', () => {
  it('every installed set loads and runs', async () => {
    for (const s of manifest.models.filter((m) => m.kind !== 'vad')) {
      if ((await verifyModelSet(modelsDir!, s)).state !== 'installed') continue;
      const signal = new AbortController().signal;
      if (s.kind.startsWith('tts-')) {
        const tts = await createSherpaTts({ modelsDir: modelsDir!, set: s, provider: 'cpu' });
        let samples = 0;
        for await (const c of tts.synthesize('Hello, how can I help you?', { voice: tts.voices[0]!.id, signal }))
          samples += c.pcm.length;
        expect(samples).toBeGreaterThan(1000);
      } else {
        const stt = await createSherpaStt({
          modelsDir: modelsDir!,
          set: s,
          provider: 'cpu',
          vad: await createSileroVad(),
        });
        const silence = async function* () {
          yield { pcm: new Int16Array(s.sampleRateHz), sampleRateHz: s.sampleRateHz, channels: 1 };
        };
        for await (const _ of stt.transcribe(silence(), { signal })) void _;
      }
    }
  });
});
