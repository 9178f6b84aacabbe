import type { AudioChunk, ModelSet, Voice } from '@ai-secretary/protocol';
import { modelDir, verifyModelSet } from '../models/verify.js';
import { sherpaSttConfig, sherpaTtsConfig } from './sherpa-config.js';
import {
  loadSherpa,
  toFloat32,
  toInt16,
  type ExecutionProvider,
  type SherpaOfflineRecognizer,
  type SherpaOnlineRecognizer,
} from './sherpa-addon.js';
import {
  BadSpeechInputError,
  EngineSetupError,
  type SpeechSegment,
  type SttEngine,
  type SttOptions,
  type TtsEngine,
  type TtsOptions,
  type VadEngine,
} from './types.js';

/** Refuses a model set whose files are missing or do not match the manifest (sherpa would abort the process). */
export async function assertModelSetUsable(modelsDir: string, set: ModelSet): Promise<void> {
  const status = await verifyModelSet(modelsDir, set);
  if (status.state === 'installed') return;
  const code =
    status.state === 'missing' ? 'MODEL_MISSING' : status.state === 'unpinned' ? 'MODEL_UNPINNED' : 'MODEL_CORRUPT';
  throw new EngineSetupError(code, `model ${set.name} is ${status.state}: ${status.problems.join('; ')}`, set.name);
}

function checkFormat(chunk: AudioChunk, rateHz: number): void {
  if (chunk.sampleRateHz !== rateHz || chunk.channels !== 1) {
    throw new BadSpeechInputError(
      'AUDIO_FORMAT_UNSUPPORTED',
      `this model needs ${rateHz} Hz mono, got ${chunk.sampleRateHz} Hz`,
    );
  }
}

async function* onlineTranscribe(
  recognizer: SherpaOnlineRecognizer,
  rateHz: number,
  audio: AsyncIterable<AudioChunk>,
  signal: AbortSignal,
): AsyncIterable<SpeechSegment> {
  const stream = recognizer.createStream();
  let samples = 0;
  let startMs = 0;
  const take = function* (final: boolean): Iterable<SpeechSegment> {
    while (recognizer.isReady(stream)) recognizer.decode(stream);
    if (!final && !recognizer.isEndpoint(stream)) return;
    const text = recognizer.getResult(stream).text.trim();
    const endMs = (samples / rateHz) * 1000;
    if (text !== '') yield { text, startMs, endMs };
    startMs = endMs;
    recognizer.reset(stream);
  };
  for await (const chunk of audio) {
    signal.throwIfAborted();
    checkFormat(chunk, rateHz);
    stream.acceptWaveform({ samples: toFloat32(chunk.pcm), sampleRate: rateHz });
    samples += chunk.pcm.length;
    yield* take(false);
  }
  stream.acceptWaveform({ samples: new Float32Array(rateHz / 2), sampleRate: rateHz }); // tail padding
  stream.inputFinished();
  yield* take(true);
}

async function* offlineTranscribe(
  recognizer: SherpaOfflineRecognizer,
  vad: VadEngine,
  rateHz: number,
  audio: AsyncIterable<AudioChunk>,
  signal: AbortSignal,
): AsyncIterable<SpeechSegment> {
  const kept: Int16Array[] = [];
  const tee = async function* () {
    for await (const chunk of audio) {
      checkFormat(chunk, rateHz);
      kept.push(chunk.pcm);
      yield chunk;
    }
  };
  for await (const span of vad.segments(tee(), signal)) {
    const all = Int16Array.from(kept.flatMap((p) => Array.from(p)));
    const from = Math.floor((span.startMs / 1000) * rateHz);
    const to = Math.ceil((span.endMs / 1000) * rateHz);
    const stream = recognizer.createStream();
    stream.acceptWaveform({ samples: toFloat32(all.subarray(from, to)), sampleRate: rateHz });
    recognizer.decode(stream);
    const text = recognizer.getResult(stream).text.trim();
    if (text !== '') yield { text, startMs: span.startMs, endMs: span.endMs };
  }
}

export interface SherpaSttOptions {
  modelsDir: string;
  set: ModelSet;
  provider: ExecutionProvider;
  /** Needed by the offline kinds (whisper, sense-voice, moonshine), which are fed VAD segments. */
  vad?: VadEngine;
}

export async function createSherpaStt(options: SherpaSttOptions): Promise<SttEngine> {
  const { set, provider } = options;
  await assertModelSetUsable(options.modelsDir, set);
  const { online, config } = sherpaSttConfig(set, modelDir(options.modelsDir, set), provider);
  const sherpa = loadSherpa();
  const rateHz = set.sampleRateHz;
  const capability = {
    engine: 'sherpa',
    model: set.name,
    languages: set.languages,
    sampleRateHz: rateHz,
    streaming: online,
  };
  if (online) {
    const recognizer = new sherpa.OnlineRecognizer(config);
    return { capability, transcribe: (audio, o: SttOptions) => onlineTranscribe(recognizer, rateHz, audio, o.signal) };
  }
  const vad = options.vad;
  if (!vad)
    throw new EngineSetupError('VAD_REQUIRED', `model ${set.name} is offline and needs the silero VAD`, set.name);
  const recognizer = new sherpa.OfflineRecognizer(config);
  return {
    capability,
    transcribe: (audio, o: SttOptions) => offlineTranscribe(recognizer, vad, rateHz, audio, o.signal),
  };
}

export interface SherpaTtsOptions {
  modelsDir: string;
  set: ModelSet;
  provider: ExecutionProvider;
}

/** Voices of a TTS set: the listed speakers, or one voice named after the set. */
export function sherpaVoices(set: ModelSet): Array<Voice & { speaker: number }> {
  const listed = set.voices ?? [{ id: set.name, speaker: 0 }];
  return listed.map((v) => ({
    id: v.id,
    speaker: v.speaker,
    engine: 'sherpa',
    language: set.languages[0]!,
    sampleRateHz: set.sampleRateHz,
  }));
}

export async function createSherpaTts(options: SherpaTtsOptions): Promise<TtsEngine> {
  const { set } = options;
  await assertModelSetUsable(options.modelsDir, set);
  const tts = new (loadSherpa().OfflineTts)(sherpaTtsConfig(set, modelDir(options.modelsDir, set), options.provider));
  const voices = sherpaVoices(set);
  return {
    name: 'sherpa',
    voices: voices.map(({ speaker: _speaker, ...voice }) => voice),
    async *synthesize(text: string, opts: TtsOptions) {
      const voice = voices.find((v) => v.id === opts.voice);
      if (!voice) throw new BadSpeechInputError('VOICE_UNKNOWN', `model ${set.name} has no voice "${opts.voice}"`);
      const queue: AudioChunk[] = [];
      let wake: (() => void) | undefined;
      let finished = false;
      const generation = tts
        .generateAsync({
          text,
          sid: voice.speaker,
          speed: opts.speed ?? 1,
          onProgress: (info) => {
            queue.push({ pcm: toInt16(info.samples), sampleRateHz: tts.sampleRate, channels: 1 });
            wake?.();
            return !opts.signal.aborted;
          },
        })
        .finally(() => {
          finished = true;
          wake?.();
        });
      generation.catch(() => undefined); // awaited below; this only keeps an early consumer exit quiet
      while (!finished || queue.length > 0) {
        if (queue.length === 0) await new Promise<void>((r) => (wake = r));
        yield* queue.splice(0);
      }
      await generation;
    },
  };
}
