import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { SpeechConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { ComponentCheck } from '../routes/system/index.js';
import { speechAdminRoutes } from '../routes/admin/speech/index.js';
import { audioRoutes } from '../routes/v1/audio.js';
import type { V1Plugin } from '../routes/v1/index.js';
import { WorkerPool } from './worker-pool.js';
import { createModelDownloads } from './model-downloads.js';
import { WorkerConnection } from './worker-connection.js';
import { loadWorkerToken } from '../processes/shared-token.js';
import type { LinkKinds } from '../processes/link-endpoint.js';
import type { ProcessSupervisor } from '../processes/process-supervisor.js';
import type { SupervisedChild } from '../processes/supervised-child.js';
import { nodeEntryArgs } from '../entry-points.js';
import { createSpeechService, type WorkerSpeechService } from './speech-service.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** Where the speech worker's entry point is, relative to the repository root (compiled or run from source). */
export const WORKER_ENTRY = 'workers/src/speech/main.ts';
export const MANIFEST_FILE = path.join(repoRoot, 'models/manifest.json');

export interface SpeechRuntime {
  pool: WorkerPool;
  service: WorkerSpeechService;
  /** The local worker, one child of the process supervisor (undefined with SPEECH_LOCAL_WORKER=false). */
  localWorker: SupervisedChild | undefined;
  /** The shared token remote workers present (the local one has its own credential). */
  token: string;
  generatedFiles: string[];
  readiness: ComponentCheck;
  admin: { prefix: string; plugin: FastifyPluginAsyncTypebox };
  v1: V1Plugin;
  /** Stops the local worker and drops the remote ones. */
  close(): Promise<void>;
}

/** What the speech runtime needs of the processes module: the supervisor and the link's kinds. */
export interface SpeechProcessDeps {
  supervisor: ProcessSupervisor;
  kinds: LinkKinds;
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

/** Speech workers join the pool; remote ones may use the shared token. */
function registerSpeechKind(
  kinds: LinkKinds,
  pool: WorkerPool,
  config: SpeechConfig,
  token: string,
  log: Logger,
): void {
  kinds.register('speech-worker', {
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    sharedToken: token,
    accept: (socket, hello) => {
      const worker = new WorkerConnection(socket, hello, log, { jobIdleTimeoutMs: config.jobIdleTimeoutMs });
      pool.add(worker);
      log.info({ workerId: worker.id, name: worker.name, problems: worker.problems.length }, 'speech worker joined');
      return worker;
    },
  });
}

function addLocalWorker(supervisor: ProcessSupervisor, config: SpeechConfig, logLevel: string): SupervisedChild {
  return supervisor.add({
    id: `local-${randomUUID()}`,
    kind: 'speech-worker',
    name: 'local',
    command: process.execPath,
    args: nodeEntryArgs(WORKER_ENTRY),
    env: { ...localWorkerEnv(config), LOG_LEVEL: logLevel },
    handshakeTimeoutMs: config.workerReadyTimeoutMs,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    memoryLimitBytes: config.workerMemoryLimitMb * 1_048_576,
    backoffMaxMs: config.restartBackoffMaxMs,
  });
}

export function createSpeechRuntime(
  config: SpeechConfig,
  dataDir: string,
  logger: Logger,
  logLevel: string,
  processes: SpeechProcessDeps,
): SpeechRuntime {
  const log = logger.child({ component: 'speech' });
  const { token, generatedFile } = loadWorkerToken(dataDir, config.workerToken);
  const pool = new WorkerPool({
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    queueTimeoutMs: config.queueTimeoutMs,
  });
  pool.startWatching();
  registerSpeechKind(processes.kinds, pool, config, token, log);
  const service = createSpeechService(pool, { maxTtsChars: config.maxTtsChars });
  const manifestFile = config.modelsManifest ?? MANIFEST_FILE;
  const downloads = createModelDownloads({ repoRoot, modelsDir: config.modelsDir, manifestFile });
  const localWorker = config.localWorker ? addLocalWorker(processes.supervisor, config, logLevel) : undefined;
  if (localWorker) pool.expectingWorker = () => localWorker.status === 'starting' || localWorker.status === 'backoff';
  const readiness: ComponentCheck = {
    name: 'speech-workers',
    check: async () => {
      const ready = pool.list().filter((w) => !w.closed).length;
      const local = localWorker ? `, local worker ${localWorker.status}` : '';
      return { ok: localWorker === undefined || ready > 0, detail: `${ready} worker(s) connected${local}` };
    },
  };
  return {
    pool,
    service,
    localWorker,
    token,
    generatedFiles: generatedFile ? [generatedFile] : [],
    readiness,
    admin: {
      prefix: '/speech',
      plugin: speechAdminRoutes({
        pool,
        service,
        localWorker,
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
      openAiVoices: config.openAiVoices,
    }),
    async close() {
      downloads.close();
      if (localWorker) await processes.supervisor.remove(localWorker.id);
      pool.close();
    },
  };
}
