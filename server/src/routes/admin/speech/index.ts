import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  AdminErrorBody,
  IdParams,
  ModelDownloadList,
  ModelDownloadView,
  ModelNameParams,
  Ok,
  SpeechModelList,
  SpeechVoiceList,
  SpeechWorkerList,
  SttTestBody,
  SttTestResult,
  TtsTestBody,
  TtsTestResult,
  concatChunks,
  type AudioChunk,
  type SpeechWorkerInfo,
} from '@ai-secretary/protocol';
import { NotFoundError } from '../../../errors.js';
import { decodeToPcm } from '../../../speech/ffmpeg.js';
import { modelStatus, readManifest } from '../../../speech/models.js';
import type { ModelDownloads } from '../../../speech/model-downloads.js';
import type { WorkerSpeechService } from '../../../speech/speech-service.js';
import type { WorkerPool } from '../../../speech/worker-pool.js';
import type { SupervisedChild } from '../../../processes/supervised-child.js';
import type { WorkerConnection } from '../../../speech/worker-connection.js';

export interface SpeechAdminDeps {
  pool: WorkerPool;
  service: WorkerSpeechService;
  /** The local worker (a supervised child), when there is one. */
  localWorker: SupervisedChild | undefined;
  modelsDir: string;
  manifestFile: string;
  /** Model downloads started from the panel (absent: the routes are not offered). */
  downloads?: ModelDownloads;
}

function describe(
  worker: WorkerConnection | undefined,
  pool: WorkerPool,
  supervisor?: SupervisedChild,
): SpeechWorkerInfo {
  const exit = supervisor?.lastExit;
  return {
    id: worker?.id ?? supervisor!.id,
    name: worker?.name ?? 'local',
    local: supervisor !== undefined,
    state: supervisor ? supervisor.status : 'ready',
    pid: worker?.pid ?? supervisor?.pid ?? null,
    capabilities: worker?.capabilities ?? null,
    problems: worker?.problems ?? [],
    activeJobs: worker ? pool.loadOf(worker) : 0,
    rssBytes: worker?.rssBytes ?? 0,
    lastHeartbeatAt: worker ? new Date(worker.lastHeartbeatAt).toISOString() : null,
    restarts: supervisor?.restarts ?? 0,
    lastExit: exit ? `${exit.reason} (code ${exit.code ?? '-'}, signal ${exit.signal ?? '-'})` : null,
  };
}

/** The admin STT test takes a short clip (the JSON body limit still allows hours of compressed silence). */
const STT_TEST_MAX_SECONDS = 300;

function listWorkers(deps: SpeechAdminDeps): SpeechWorkerInfo[] {
  const local = deps.localWorker;
  const remote = deps.pool.list().filter((w) => w.id !== local?.id);
  const rows = remote.map((w) => describe(w, deps.pool));
  if (local) rows.unshift(describe(deps.pool.get(local.id), deps.pool, local));
  return rows;
}

function wavBase64(audio: AudioChunk): string {
  const data = Buffer.from(audio.pcm.buffer, audio.pcm.byteOffset, audio.pcm.byteLength);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(audio.channels, 22);
  header.writeUInt32LE(audio.sampleRateHz, 24);
  header.writeUInt32LE(audio.sampleRateHz * audio.channels * 2, 28);
  header.writeUInt16LE(audio.channels * 2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]).toString('base64');
}

async function* once(audio: AudioChunk): AsyncIterable<AudioChunk> {
  yield audio;
}

/** Start a model-set download (202) and follow its progress (`GET /models/downloads`). */
function modelDownloadRoutes(app: Parameters<FastifyPluginAsyncTypebox>[0], downloads: ModelDownloads): void {
  const tags = ['speech'];
  app.post(
    '/models/:name/download',
    {
      config: { access: 'admin', audit: 'speech.model-download' },
      schema: {
        tags,
        params: ModelNameParams,
        response: { 202: ModelDownloadView, 404: AdminErrorBody, 409: AdminErrorBody },
      },
    },
    async (request, reply) => reply.status(202).send(downloads.start(request.params.name)),
  );
  app.get(
    '/models/downloads',
    { config: { access: 'admin' }, schema: { tags, response: { 200: ModelDownloadList } } },
    async () => ({ items: downloads.list() }),
  );
}

/** `/api/speech`: workers, models, voices, and test endpoints for TTS and STT (admin only). */
export function speechAdminRoutes(deps: SpeechAdminDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['speech'];
    app.get(
      '/workers',
      { config: { access: 'admin' }, schema: { tags, response: { 200: SpeechWorkerList } } },
      async () => ({
        workers: listWorkers(deps),
      }),
    );

    app.post(
      '/workers/:id/restart',
      {
        config: { access: 'admin', audit: 'speech.worker-restart' },
        schema: { tags, params: IdParams, response: { 200: Ok } },
      },
      async (request) => {
        const { id } = request.params;
        if (deps.localWorker?.id === id) deps.localWorker.restart('restarted by an admin');
        else {
          const worker = deps.pool.get(id);
          if (!worker) throw new NotFoundError('Speech worker');
          worker.terminate('restarted by an admin'); // a remote worker reconnects by itself
        }
        return { ok: true as const };
      },
    );

    app.get(
      '/models',
      {
        config: { access: 'admin' },
        schema: {
          tags,
          querystring: Type.Object({ verify: Type.Optional(Type.Boolean()) }),
          response: { 200: SpeechModelList },
        },
      },
      async (request) => {
        const manifest = readManifest(deps.manifestFile);
        const deep = request.query.verify === true;
        const models = await Promise.all(manifest.models.map((set) => modelStatus(deps.modelsDir, set, deep)));
        return { modelsDir: deps.modelsDir, models };
      },
    );

    if (deps.downloads) modelDownloadRoutes(app, deps.downloads);

    app.get(
      '/voices',
      { config: { access: 'admin' }, schema: { tags, response: { 200: SpeechVoiceList } } },
      async () => ({
        voices: deps.service.voices(),
      }),
    );

    app.post(
      '/test/tts',
      { config: { access: 'admin' }, schema: { tags, body: TtsTestBody, response: { 200: TtsTestResult } } },
      async (request) => {
        const started = performance.now();
        let firstChunkMs = 0;
        const chunks: AudioChunk[] = [];
        for await (const chunk of deps.service.synthesize(request.body.text, {
          voice: request.body.voice,
          speed: request.body.speed,
        })) {
          if (chunks.length === 0) firstChunkMs = performance.now() - started;
          chunks.push(chunk);
        }
        const audio = concatChunks(chunks);
        const durationMs = (audio.pcm.length / audio.channels / audio.sampleRateHz) * 1000;
        return {
          sampleRateHz: audio.sampleRateHz,
          durationMs,
          firstChunkMs,
          totalMs: performance.now() - started,
          wavBase64: wavBase64(audio),
        };
      },
    );

    app.post(
      '/test/stt',
      { config: { access: 'admin' }, schema: { tags, body: SttTestBody, response: { 200: SttTestResult } } },
      async (request) => {
        const started = performance.now();
        const { language, model } = request.body;
        const cap = await deps.service.sttFor({ language, model });
        const file = Buffer.from(request.body.audioBase64, 'base64');
        const audio = await decodeToPcm(file, cap.sampleRateHz, { maxSeconds: STT_TEST_MAX_SECONDS });
        const segments = [];
        for await (const s of deps.service.transcribeStream(once(audio), { language, model })) segments.push(s);
        const audioMs = (audio.pcm.length / audio.sampleRateHz) * 1000;
        return { text: segments.map((s) => s.text).join(' '), segments, audioMs, totalMs: performance.now() - started };
      },
    );
  };
}
