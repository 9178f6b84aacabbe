import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { linkFromEnv } from '../kit/link-env.js';

export interface SpeechWorkerConfig {
  readonly url: string;
  readonly token: string;
  readonly workerId: string;
  readonly name: string;
  /** Engine specs: `pocketsphinx`, `sherpa:<model set>`, `remote`; `espeak-ng`, `sherpa:<set>`, `remote`. */
  readonly stt: string[];
  readonly tts: string[];
  /** `SPEECH_POCKETSPHINX_ARGS`: extra `pocketsphinx_continuous` flags, e.g. `-fwdflat yes`. */
  readonly pocketsphinxArgs: string[];
  readonly vad: 'silero' | 'none';
  readonly device: 'cpu' | 'cuda';
  readonly capacity: number;
  readonly modelsDir: string;
  readonly manifestFile: string;
  readonly exitOnDisconnect: boolean;
  readonly logLevel: string;
  readonly remote: {
    readonly baseUrl: string | undefined;
    readonly apiKey: string | undefined;
    readonly sttModel: string;
    readonly ttsModel: string;
    readonly voices: string[];
    readonly languages: string[];
  };
}

type Env = Record<string, string | undefined>;

const list = (raw: string | undefined, fallback: string[]) =>
  raw === undefined || raw.trim() === ''
    ? fallback
    : raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);

function fail(message: string): never {
  throw new Error(`speech worker config: ${message}`);
}

function oneOf<T extends string>(name: string, raw: string | undefined, allowed: readonly T[], fallback: T): T {
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) fail(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw as T;
}

function capacity(raw: string | undefined): number {
  const value = Number(raw ?? '4');
  if (!Number.isInteger(value) || value < 1 || value > 64) fail(`SPEECH_WORKER_CAPACITY must be 1..64, got "${raw}"`);
  return value;
}

/** Parses `--url`, `--token`, `--name` and the SPEECH_* / SHERPA_* environment once. */
export function loadSpeechWorkerConfig(argv: string[], env: Env, repoRoot: string): SpeechWorkerConfig {
  const { values } = parseArgs({
    args: argv,
    options: { url: { type: 'string' }, token: { type: 'string' }, name: { type: 'string' } },
    strict: true,
  });
  // A supervised worker gets the CHILD_* link variables; one started by hand the flags or SPEECH_WORKER_*.
  const link = linkFromEnv(env);
  const url =
    values.url ??
    link.url ??
    env.SPEECH_WORKER_URL ??
    fail('--url (or SPEECH_WORKER_URL) is required, e.g. ws://host:8002/ws/workers');
  if (!/^wss?:\/\//.test(url)) fail(`--url must start with ws:// or wss://, got "${url}"`);
  const token =
    values.token ?? link.credential ?? env.SPEECH_WORKER_TOKEN ?? fail('--token (or SPEECH_WORKER_TOKEN) is required');
  return Object.freeze({
    url,
    token,
    workerId: link.childId ?? env.SPEECH_WORKER_ID ?? randomUUID(),
    name: values.name ?? env.SPEECH_WORKER_NAME ?? os.hostname(),
    stt: list(env.SPEECH_STT, ['pocketsphinx']),
    tts: list(env.SPEECH_TTS, ['espeak-ng']),
    pocketsphinxArgs: (env.SPEECH_POCKETSPHINX_ARGS ?? '').split(/\s+/).filter((arg) => arg !== ''),
    vad: oneOf('SPEECH_VAD', env.SPEECH_VAD, ['silero', 'none'] as const, 'silero'),
    device: oneOf('SPEECH_DEVICE', env.SPEECH_DEVICE, ['cpu', 'cuda'] as const, 'cpu'),
    capacity: capacity(env.SPEECH_WORKER_CAPACITY),
    modelsDir: path.resolve(repoRoot, env.SHERPA_MODELS_DIR ?? 'models/data'),
    manifestFile: path.resolve(repoRoot, env.SPEECH_MODELS_MANIFEST ?? 'models/manifest.json'),
    exitOnDisconnect: link.exitOnDisconnect || env.SPEECH_WORKER_EXIT_ON_DISCONNECT === 'true',
    logLevel: env.LOG_LEVEL ?? 'info',
    remote: {
      baseUrl: env.SPEECH_REMOTE_URL,
      apiKey: env.SPEECH_REMOTE_API_KEY,
      sttModel: env.SPEECH_REMOTE_STT_MODEL ?? 'whisper-1',
      ttsModel: env.SPEECH_REMOTE_TTS_MODEL ?? 'tts-1',
      voices: list(env.SPEECH_REMOTE_VOICES, ['alloy']),
      languages: list(env.SPEECH_REMOTE_LANGUAGES, ['en']),
    },
  });
}
