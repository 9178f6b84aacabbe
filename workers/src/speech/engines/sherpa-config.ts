import fs from 'node:fs';
import path from 'node:path';
import type { ModelSet } from '@ai-secretary/protocol';
import type { ExecutionProvider } from './sherpa-addon.js';
import { EngineSetupError } from './types.js';

/** Debian's espeak-ng data, used by piper/vits/kokoro/matcha sets that do not ship their own copy. */
export const SYSTEM_ESPEAK_DATA = '/usr/lib/x86_64-linux-gnu/espeak-ng-data';

function fileFor(set: ModelSet, dir: string, role: string): string {
  const file = set.files.find((f) => f.role === role);
  if (!file) throw new EngineSetupError('MODEL_INVALID', `model set ${set.name} lists no "${role}" file`, set.name);
  return path.join(dir, file.path);
}

function optionalFile(set: ModelSet, dir: string, role: string): string {
  const file = set.files.find((f) => f.role === role);
  return file ? path.join(dir, file.path) : '';
}

function espeakData(set: ModelSet, dir: string): string {
  const own = path.join(dir, 'espeak-ng-data');
  if (fs.existsSync(own)) return own;
  if (set.files.some((f) => f.role === 'lexicon')) return '';
  return SYSTEM_ESPEAK_DATA;
}

/** sherpa-onnx recognizer config for a manifest STT set (online for streaming kinds, offline otherwise). */
export function sherpaSttConfig(set: ModelSet, dir: string, provider: ExecutionProvider, language?: string) {
  const common = { tokens: fileFor(set, dir, 'tokens'), numThreads: 1, provider, debug: 0 };
  const featConfig = { sampleRate: set.sampleRateHz, featureDim: 80 };
  switch (set.kind) {
    case 'stt-online-transducer':
      return {
        online: true as const,
        config: {
          featConfig,
          modelConfig: {
            ...common,
            transducer: {
              encoder: fileFor(set, dir, 'encoder'),
              decoder: fileFor(set, dir, 'decoder'),
              joiner: fileFor(set, dir, 'joiner'),
            },
          },
          decodingMethod: 'greedy_search',
          enableEndpoint: 1,
          rule1MinTrailingSilence: 2.4,
          rule2MinTrailingSilence: 0.8,
          rule3MinUtteranceLength: 20,
        },
      };
    case 'stt-online-ctc':
      return {
        online: true as const,
        config: {
          featConfig,
          modelConfig: { ...common, zipformer2Ctc: { model: fileFor(set, dir, 'model') } },
          decodingMethod: 'greedy_search',
          enableEndpoint: 1,
        },
      };
    case 'stt-online-tone-ctc':
      return {
        online: true as const,
        config: {
          featConfig,
          modelConfig: { ...common, toneCtc: { model: fileFor(set, dir, 'model') } },
          decodingMethod: 'greedy_search',
          enableEndpoint: 1,
        },
      };
    case 'stt-offline-whisper':
      return {
        online: false as const,
        config: {
          featConfig,
          modelConfig: {
            ...common,
            whisper: {
              encoder: fileFor(set, dir, 'encoder'),
              decoder: fileFor(set, dir, 'decoder'),
              language: language ?? '',
              task: 'transcribe',
            },
          },
        },
      };
    case 'stt-offline-sense-voice':
      return {
        online: false as const,
        config: {
          featConfig,
          modelConfig: {
            ...common,
            senseVoice: {
              model: fileFor(set, dir, 'model'),
              language: language ?? 'auto',
              useInverseTextNormalization: 1,
            },
          },
        },
      };
    case 'stt-offline-moonshine':
      return {
        online: false as const,
        config: {
          featConfig,
          modelConfig: {
            ...common,
            moonshine: {
              preprocessor: fileFor(set, dir, 'preprocessor'),
              encoder: fileFor(set, dir, 'encoder'),
              uncachedDecoder: fileFor(set, dir, 'uncached-decoder'),
              cachedDecoder: fileFor(set, dir, 'cached-decoder'),
            },
          },
        },
      };
    case 'vad':
    case 'tts-vits':
    case 'tts-kokoro':
    case 'tts-matcha':
      throw new EngineSetupError(
        'MODEL_INVALID',
        `model set ${set.name} (${set.kind}) is not a speech recognizer`,
        set.name,
      );
  }
}

/** sherpa-onnx OfflineTts config for a manifest TTS set. */
export function sherpaTtsConfig(set: ModelSet, dir: string, provider: ExecutionProvider) {
  const tokens = fileFor(set, dir, 'tokens');
  const dataDir = espeakData(set, dir);
  const base = { numThreads: 1, provider, debug: 0 };
  switch (set.kind) {
    case 'tts-vits':
      return {
        model: {
          ...base,
          vits: { model: fileFor(set, dir, 'model'), tokens, dataDir, lexicon: optionalFile(set, dir, 'lexicon') },
        },
        maxNumSentences: 1,
      };
    case 'tts-kokoro':
      return {
        model: {
          ...base,
          kokoro: { model: fileFor(set, dir, 'model'), voices: fileFor(set, dir, 'voices'), tokens, dataDir },
        },
        maxNumSentences: 1,
      };
    case 'tts-matcha':
      return {
        model: {
          ...base,
          matcha: {
            acousticModel: fileFor(set, dir, 'acoustic-model'),
            vocoder: fileFor(set, dir, 'vocoder'),
            tokens,
            dataDir,
            lexicon: optionalFile(set, dir, 'lexicon'),
          },
        },
        maxNumSentences: 1,
      };
    case 'vad':
    case 'stt-online-transducer':
    case 'stt-online-ctc':
    case 'stt-online-tone-ctc':
    case 'stt-offline-whisper':
    case 'stt-offline-sense-voice':
    case 'stt-offline-moonshine':
      throw new EngineSetupError('MODEL_INVALID', `model set ${set.name} (${set.kind}) is not a TTS model`, set.name);
  }
}
