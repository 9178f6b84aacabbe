import type { EngineProblem, ModelManifest } from '@ai-secretary/protocol';
import type { Logger } from '../kit/logger.js';
import type { SpeechWorkerConfig } from './config.js';
import { createEspeakTts } from './engines/espeak-ng.js';
import { createPocketsphinxStt } from './engines/pocketsphinx.js';
import { createRemoteStt, createRemoteTts } from './engines/remote.js';
import { resolveProvider } from './engines/sherpa-addon.js';
import { createSherpaStt, createSherpaTts } from './engines/sherpa-engines.js';
import { createSileroVad } from './engines/silero-vad.js';
import { EngineSetupError, type SttEngine, type TtsEngine, type VadEngine } from './engines/types.js';
import type { SpeechEngines } from './host.js';
import { loadManifest } from './models/verify.js';

function problemOf(engine: string, error: unknown): EngineProblem {
  if (error instanceof EngineSetupError)
    return { engine, model: error.model, code: error.code, message: error.message };
  return { engine, code: 'ENGINE_SETUP_FAILED', message: error instanceof Error ? error.message : String(error) };
}

function modelSet(manifest: ModelManifest | undefined, name: string) {
  const set = manifest?.models.find((m) => m.name === name);
  if (!set) throw new EngineSetupError('MODEL_UNKNOWN', `model set "${name}" is not in the manifest`, name);
  return set;
}

function remoteBase(config: SpeechWorkerConfig): string {
  const base = config.remote.baseUrl;
  if (!base) throw new EngineSetupError('REMOTE_NOT_CONFIGURED', 'SPEECH_REMOTE_URL is not set');
  return base;
}

/**
 * Builds every configured engine; one that cannot start (missing binary, missing or corrupt model) is
 * reported in `problems` and left out, and the worker carries on with the others.
 */
export async function buildEngines(config: SpeechWorkerConfig, logger: Logger): Promise<SpeechEngines> {
  const problems: EngineProblem[] = [];
  const { provider, note } = resolveProvider(config.device);
  if (note) problems.push({ engine: 'onnxruntime', code: 'PROVIDER_FALLBACK', message: note });
  let manifest: ModelManifest | undefined;
  try {
    manifest = loadManifest(config.manifestFile);
  } catch (error) {
    problems.push(problemOf('models', error));
  }
  const attempt = async <T>(engine: string, make: () => Promise<T> | T): Promise<T[]> => {
    try {
      return [await make()];
    } catch (error) {
      const problem = problemOf(engine, error);
      logger.warn({ problem }, 'speech engine not started');
      problems.push(problem);
      return [];
    }
  };
  const vad: VadEngine[] = config.vad === 'silero' ? await attempt('silero', () => createSileroVad({ provider })) : [];
  const stt: SttEngine[] = [];
  for (const spec of config.stt) {
    const [kind, name] = spec.split(':');
    if (kind === 'pocketsphinx')
      stt.push(...(await attempt(spec, () => createPocketsphinxStt({ extraArgs: config.pocketsphinxArgs }))));
    else if (kind === 'sherpa')
      stt.push(
        ...(await attempt(spec, () =>
          createSherpaStt({ modelsDir: config.modelsDir, set: modelSet(manifest, name ?? ''), provider, vad: vad[0] }),
        )),
      );
    else if (kind === 'remote')
      stt.push(
        ...(await attempt(spec, () =>
          createRemoteStt({
            baseUrl: remoteBase(config),
            apiKey: config.remote.apiKey,
            model: config.remote.sttModel,
            languages: config.remote.languages,
          }),
        )),
      );
    else problems.push({ engine: spec, code: 'ENGINE_UNKNOWN', message: `unknown STT engine "${spec}"` });
  }
  const tts: TtsEngine[] = [];
  for (const spec of config.tts) {
    const [kind, name] = spec.split(':');
    if (kind === 'espeak-ng') tts.push(...(await attempt(spec, () => createEspeakTts())));
    else if (kind === 'sherpa')
      tts.push(
        ...(await attempt(spec, () =>
          createSherpaTts({ modelsDir: config.modelsDir, set: modelSet(manifest, name ?? ''), provider }),
        )),
      );
    else if (kind === 'remote')
      tts.push(
        ...(await attempt(spec, () =>
          createRemoteTts({
            baseUrl: remoteBase(config),
            apiKey: config.remote.apiKey,
            model: config.remote.ttsModel,
            voices: config.remote.voices.map((id) => ({
              id,
              engine: 'remote',
              language: config.remote.languages[0] ?? 'en',
              sampleRateHz: 24_000,
            })),
          }),
        )),
      );
    else problems.push({ engine: spec, code: 'ENGINE_UNKNOWN', message: `unknown TTS engine "${spec}"` });
  }
  return { stt, tts, vad, problems, device: provider };
}
