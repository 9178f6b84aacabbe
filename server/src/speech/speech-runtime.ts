import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { SpeechConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { ComponentCheck } from '../routes/system/index.js';
import { speechAdminRoutes } from '../routes/admin/speech/index.js';
import { audioRoutes } from '../routes/v1/audio.js';
import type { V1Plugin } from '../routes/v1/index.js';
import { WorkerPool } from '../workers/pool.js';
import { createModelDownloads } from './model-downloads.js';
import { WorkerSupervisor } from '../workers/supervisor.js';
import { workerEndpoint } from '../workers/ws-endpoint.js';
import { loadWorkerToken } from '../workers/worker-token.js';
import { nodeEntryArgs } from '../entry-points.js';
import { createSpeechService, type WorkerSpeechService } from './speech-service.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** Where the speech worker's entry point is, relative to the repository root (compiled or run from source). */
export const WORKER_ENTRY = 'workers/src/speech/main.ts';
export const MANIFEST_FILE = path.join(repoRoot, 'models/manifest.json');

export interface SpeechRuntime {
  pool: WorkerPool;
  service: WorkerSpeechService;
  supervisor: WorkerSupervisor | undefined;
  token: string;
  generatedFiles: string[];
  readiness: ComponentCheck;
  admin: { prefix: string; plugin: FastifyPluginAsyncTypebox };
  v1: V1Plugin;
  ws: FastifyPluginAsyncTypebox;
  /** Spawns the local worker once the server listens (it dials back to `/ws/workers`). */
  onListening(address: { port: number; host: string }): void;
  close(): Promise<void>;
}

function localWorkerEnv(config: SpeechConfig): Record<string, string> {
  const env: Record<string, string> = {
    SPEECH_WORKER_NAME: 'local',
    SPEECH_WORKER_CAPACITY: String(config.workerCapacity),
    SPEECH_VAD: config.vad,
    SPEECH_DEVICE: config.device,
    SHERPA_MODELS_DIR: config.modelsDir,
    SPEECH_MODELS_MANIFEST: config.modelsManifest ?? MANIFEST_FILE,
  };
  const optional = {
    SPEECH_STT: config.stt,
    SPEECH_TTS: config.tts,
    SPEECH_REMOTE_URL: config.remoteUrl,
    SPEECH_REMOTE_API_KEY: config.remoteApiKey,
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) env[key] = value;
  return env;
}

function dialHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export function createSpeechRuntime(
  config: SpeechConfig,
  dataDir: string,
  logger: Logger,
  logLevel: string,
): SpeechRuntime {
  const log = logger.child({ component: 'speech' });
  const { token, generatedFile } = loadWorkerToken(dataDir, config.workerToken);
  const pool = new WorkerPool({
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    queueTimeoutMs: config.queueTimeoutMs,
  });
  pool.startWatching();
  const service = createSpeechService(pool, { maxTtsChars: config.maxTtsChars });
  const manifestFile = config.modelsManifest ?? MANIFEST_FILE;
  const downloads = createModelDownloads({ repoRoot, modelsDir: config.modelsDir, manifestFile });
  const supervisor = config.localWorker
    ? new WorkerSupervisor({
        command: process.execPath,
        args: nodeEntryArgs(WORKER_ENTRY),
        env: { ...localWorkerEnv(config), LOG_LEVEL: logLevel },
        pool,
        token,
        readyTimeoutMs: config.workerReadyTimeoutMs,
        memoryLimitBytes: config.workerMemoryLimitMb * 1_048_576,
        backoffMaxMs: config.restartBackoffMaxMs,
        logger: log,
      })
    : undefined;
  if (supervisor) pool.expectingWorker = () => supervisor.status === 'starting' || supervisor.status === 'backoff';
  const readiness: ComponentCheck = {
    name: 'speech-workers',
    check: async () => {
      const ready = pool.list().filter((w) => !w.closed).length;
      const local = supervisor ? `, local worker ${supervisor.status}` : '';
      return { ok: supervisor === undefined || ready > 0, detail: `${ready} worker(s) connected${local}` };
    },
  };
  return {
    pool,
    service,
    supervisor,
    token,
    generatedFiles: generatedFile ? [generatedFile] : [],
    readiness,
    admin: {
      prefix: '/speech',
      plugin: speechAdminRoutes({
        pool,
        service,
        supervisor,
        modelsDir: config.modelsDir,
        manifestFile,
        downloads,
      }),
    },
    v1: audioRoutes({
      speech: service,
      maxUploadBytes: config.maxUploadBytes,
      maxUploadSeconds: config.maxUploadSeconds,
      maxTtsChars: config.maxTtsChars,
    }),
    ws: workerEndpoint({ pool, token, heartbeatIntervalMs: config.heartbeatIntervalMs, logger: log }),
    onListening(address) {
      supervisor?.start(`ws://${dialHost(address.host)}:${address.port}/ws/workers`);
    },
    async close() {
      downloads.close();
      await supervisor?.stop();
      pool.close();
    },
  };
}
