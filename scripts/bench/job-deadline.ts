// Issue 19, defect 1: jobs nobody answers fill every worker slot; what happens to the normal job behind them.
//  A. the real local worker (capacity 4) gets 4 STT jobs whose prompt is over MAX_STT_PROMPT_CHARS (sent
//     through the speech service, below the /v1 edge that now refuses them with 400), then a normal one;
//  B. a worker that silently drops some jobs (capacity 4, written against the wire protocol) gets 4 such
//     TTS jobs, then a normal one.
// Prints each normal job's outcome and time. Run: npm run bench -- job-deadline
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { MAX_STT_PROMPT_CHARS, type AudioChunk, type OrchestratorMessage } from '@ai-secretary/protocol';
import { encodeAudioFrame } from '@ai-secretary/protocol';
import { loadConfig } from '../../server/src/config.js';
import { createLogger } from '../../server/src/logger.js';
import { startRuntime, type Runtime } from '../../server/src/runtime.js';
import { entersState } from '../../server/src/core/state/enters-state.js';
import { FIXTURES_DIR, chunked, readWav } from '../../server/test/helpers/speech.js';

const SLOTS = 4;

async function drain<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Outcome and seconds of one job. */
async function timed(run: () => Promise<unknown>): Promise<string> {
  const started = performance.now();
  const outcome = await run().then(
    () => 'ok',
    (error: { code?: string; statusCode?: number; name?: string }) =>
      `${error.statusCode ?? '?'} ${error.code ?? error.name ?? 'error'}`,
  );
  return `${outcome} after ${((performance.now() - started) / 1000).toFixed(2)} s`;
}

/** The first of `jobs` to end, or `still held` when none has after `graceMs` more. */
function firstEnded(jobs: Array<Promise<string>>, graceMs: number): Promise<string> {
  const held = new Promise<string>((r) => setTimeout(r, graceMs, 'still held').unref());
  return Promise.race([...jobs, held]);
}

async function withRuntime(env: Record<string, string>, body: (runtime: Runtime) => Promise<void>) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-deadline-'));
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', ADMIN_PASSWORD: 'bench-password', ...env });
  const runtime = await startRuntime(config, createLogger({ logLevel: 'silent', logPretty: false }));
  try {
    await body(runtime);
  } finally {
    await runtime.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function refusedPrompts(): Promise<void> {
  const clip = readWav(
    path.join(
      FIXTURES_DIR,
      fs.readdirSync(FIXTURES_DIR).find((f) => f.startsWith('en-slt16k-'))!,
    ),
  );
  await withRuntime({ SPEECH_WORKER_CAPACITY: String(SLOTS) }, async (runtime) => {
    await runtime.app.listen({ port: 0, host: '127.0.0.1' });
    await entersState(runtime.speech.localWorker!, 'ready', 60_000);
    const { service } = runtime.speech;
    const prompt = 'x'.repeat(MAX_STT_PROMPT_CHARS + 1);
    const alone = await timed(() => drain(service.transcribeStream(chunked(clip), { language: 'en' })));
    const bad = Array.from({ length: SLOTS }, () =>
      timed(() => drain(service.transcribeStream(chunked(clip), { language: 'en', prompt }))),
    );
    await new Promise((r) => setTimeout(r, 500));
    const normal = await timed(() => drain(service.transcribeStream(chunked(clip), { language: 'en' })));
    console.log(
      `A  over-long prompts: ${await firstEnded(bad, 5000)}; normal transcription: ${normal} (alone: ${alone})`,
    );
  });
}

/** A worker that answers TTS jobs with a frame of audio, except those saying `drop`, which it ignores. */
function droppingWorker(url: string, token: string): WebSocket {
  const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
  const send = (message: object) => ws.send(JSON.stringify(message));
  ws.on('open', () =>
    send({
      type: 'hello',
      protocolVersion: 1,
      workerId: 'dropper',
      name: 'dropper',
      pid: process.pid,
      capabilities: {
        stt: [],
        tts: [{ id: 'beep', engine: 'fake', language: 'en', sampleRateHz: 8000 }],
        vad: [],
        device: 'cpu',
        capacity: SLOTS,
      },
      problems: [],
    }),
  );
  ws.on('message', (data: Buffer, isBinary) => {
    if (isBinary) return;
    const message = JSON.parse(data.toString()) as OrchestratorMessage;
    if (message.type === 'welcome')
      setInterval(() => send({ type: 'heartbeat', rssBytes: 1, activeJobs: 0 }), message.heartbeatIntervalMs).unref();
    if (message.type !== 'job.start' || message.text === 'drop') return;
    send({ type: 'job.audio-format', jobId: message.jobId, sampleRateHz: 8000, channels: 1 });
    ws.send(encodeAudioFrame(message.jobId, Int16Array.from([1, 2, 3])));
    send({ type: 'job.done', jobId: message.jobId });
  });
  return ws;
}

async function droppedJobs(idleTimeoutMs: string): Promise<void> {
  await withRuntime({ SPEECH_LOCAL_WORKER: 'false', SPEECH_JOB_IDLE_TIMEOUT_MS: idleTimeoutMs }, async (runtime) => {
    const base = await runtime.app.listen({ port: 0, host: '127.0.0.1' });
    const ws = droppingWorker(`${base.replace('http', 'ws')}/ws/workers`, runtime.speech.token);
    while (!runtime.speech.pool.get('dropper')) await new Promise((r) => setTimeout(r, 10));
    const { service } = runtime.speech;
    const speak = (text: string): Promise<AudioChunk[]> => drain(service.synthesize(text, { voice: 'beep' }));
    const bad = Array.from({ length: SLOTS }, () => timed(() => speak('drop')));
    await new Promise((r) => setTimeout(r, 100));
    const normal = await timed(() => speak('hello'));
    const first = await firstEnded(bad, 5000);
    console.log(`B  dropped jobs (idle timeout ${idleTimeoutMs} ms): ${first}; normal synthesis: ${normal}`);
    ws.terminate();
  });
}

await refusedPrompts();
await droppedJobs(process.env.SPEECH_JOB_IDLE_TIMEOUT_MS ?? '10000');
process.exit(0);
