import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  encodeAudioFrame,
  type HelloMessage,
  type JobStartMessage,
  type OrchestratorMessage,
} from '@ai-secretary/protocol';
import { bearer, createTestRuntime, type TestRuntime } from '../helpers/runtime.js';

const IDLE_TIMEOUT_MS = 400;

/** How the fake worker treats a job: answer it, never answer it, or answer slowly (results spaced out). */
type Behaviour = 'answer' | 'silent' | 'trickle';

/**
 * A speech worker written against the wire protocol only. Jobs whose TTS text or STT prompt names a behaviour
 * (`silent`, `trickle`) get it; the rest are answered at once.
 */
class FakeWorker {
  readonly ws: WebSocket;
  readonly started: JobStartMessage[] = [];
  readonly cancelled: string[] = [];

  constructor(url: string, token: string) {
    this.ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
    this.ws.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) this.onMessage(JSON.parse(data.toString()) as OrchestratorMessage);
    });
  }

  static hello(capacity: number): HelloMessage {
    return {
      type: 'hello',
      protocolVersion: 1,
      workerId: 'deadline',
      name: 'deadline',
      pid: 1,
      capabilities: {
        stt: [{ engine: 'fake', model: 'fake', languages: ['en'], sampleRateHz: 16_000, streaming: true }],
        tts: [{ id: 'beep', engine: 'fake', language: 'en', sampleRateHz: 8000 }],
        vad: [],
        device: 'cpu',
        capacity,
      },
      problems: [],
    };
  }

  async open(capacity: number): Promise<void> {
    await new Promise((resolve, reject) => this.ws.once('open', resolve).once('error', reject));
    this.ws.send(JSON.stringify(FakeWorker.hello(capacity)));
  }

  private send(message: object): void {
    this.ws.send(JSON.stringify(message));
  }

  private onMessage(message: OrchestratorMessage): void {
    if (message.type === 'welcome') {
      const beat = () => this.send({ type: 'heartbeat', rssBytes: 1, activeJobs: 0 });
      const timer = setInterval(beat, message.heartbeatIntervalMs);
      this.ws.once('close', () => clearInterval(timer));
    }
    if (message.type === 'job.cancel') this.cancelled.push(message.jobId);
    if (message.type === 'job.start') this.onJob(message);
    if (message.type === 'job.input-end') this.onInputEnd(message.jobId);
  }

  private behaviourOf(job: JobStartMessage): Behaviour {
    const said = job.kind === 'tts' ? job.text : job.prompt;
    return said === 'silent' || said === 'trickle' ? said : 'answer';
  }

  private onJob(job: JobStartMessage): void {
    this.started.push(job);
    if (job.kind !== 'tts') return; // STT answers once its input has ended
    const behaviour = this.behaviourOf(job);
    if (behaviour === 'silent') return;
    this.send({ type: 'job.audio-format', jobId: job.jobId, sampleRateHz: 8000, channels: 1 });
    if (behaviour === 'trickle') return void this.trickle(job.jobId, () => this.audio(job.jobId));
    this.audio(job.jobId);
    this.send({ type: 'job.done', jobId: job.jobId });
  }

  private onInputEnd(jobId: string): void {
    const job = this.started.find((j) => j.jobId === jobId)!;
    const behaviour = this.behaviourOf(job);
    if (behaviour === 'silent') return;
    const segment = () => this.send({ type: 'job.segment', jobId, text: 'hello', startMs: 0, endMs: 100 });
    if (behaviour === 'trickle') return void this.trickle(jobId, segment);
    segment();
    this.send({ type: 'job.done', jobId });
  }

  private audio(jobId: string): void {
    this.ws.send(encodeAudioFrame(jobId, Int16Array.from([1, 2, 3])));
  }

  /** Six results, each a third of the idle deadline apart: twice the deadline in all, never idle past it. */
  private async trickle(jobId: string, result: () => void): Promise<void> {
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, IDLE_TIMEOUT_MS / 3));
      if (this.cancelled.includes(jobId)) return;
      result();
    }
    this.send({ type: 'job.done', jobId });
  }
}

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((r) => setTimeout(r, 10));
};

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function* oneSecondOfAudio() {
  yield { pcm: new Int16Array(16_000), sampleRateHz: 16_000, channels: 1 };
}

describe('speech job deadlines', () => {
  let runtime: TestRuntime;
  let baseUrl: string;
  let worker: FakeWorker;
  const load = () => runtime.speech.pool.loadOf(runtime.speech.pool.get('deadline')!);
  const speak = (text: string, signal?: AbortSignal) =>
    collect(runtime.speech.service.synthesize(text, { voice: 'beep', signal }));
  const transcribe = (prompt: string) =>
    collect(runtime.speech.service.transcribeStream(oneSecondOfAudio(), { language: 'en', prompt }));

  beforeAll(async () => {
    runtime = await createTestRuntime({
      env: { SPEECH_JOB_IDLE_TIMEOUT_MS: String(IDLE_TIMEOUT_MS), SPEECH_QUEUE_TIMEOUT_MS: '20000' },
    });
    baseUrl = await runtime.app.listen({ port: 0, host: '127.0.0.1' });
    worker = new FakeWorker(`${baseUrl.replace('http', 'ws')}/ws/workers`, runtime.speech.token);
    await worker.open(1);
    await until(() => runtime.speech.pool.get('deadline') !== undefined);
  });
  afterAll(async () => {
    worker?.ws.terminate();
    await runtime?.dispose();
  });

  it('a TTS job the worker never answers fails with SPEECH_JOB_TIMEOUT, is cancelled there, and frees its slot', async () => {
    await expect(speak('silent')).rejects.toMatchObject({ code: 'SPEECH_JOB_TIMEOUT', statusCode: 504 });
    const job = worker.started.at(-1)!;
    await until(() => worker.cancelled.includes(job.jobId));
    expect(load()).toBe(0);
    expect(await speak('hello')).toHaveLength(1); // the only slot serves the next job
  });

  it('an STT job is watched from the end of its input; the next one runs on the freed slot', async () => {
    await expect(transcribe('silent')).rejects.toMatchObject({ code: 'SPEECH_JOB_TIMEOUT', retryable: true });
    const cancelled = worker.started.at(-1)!.jobId;
    await until(() => worker.cancelled.includes(cancelled)); // the cancel frame is on its way
    expect(load()).toBe(0);
    expect(await transcribe('')).toEqual([{ text: 'hello', startMs: 0, endMs: 100 }]);
  });

  it('never-answered jobs that filled every slot give them back, so a queued normal job still runs', async () => {
    const stuck = speak('silent').catch((error: unknown) => error);
    const queued = transcribe(''); // waits for the slot the silent job holds
    expect(await stuck).toMatchObject({ code: 'SPEECH_JOB_TIMEOUT' });
    expect(await queued).toEqual([{ text: 'hello', startMs: 0, endMs: 100 }]);
  });

  it('each result starts the deadline over: a job slower in all than the deadline still completes', async () => {
    expect(await speak('trickle')).toHaveLength(6);
    expect(await transcribe('trickle')).toHaveLength(6);
  });

  it('aborting the caller cancels the job on the worker and frees the slot', async () => {
    const controller = new AbortController();
    const job = speak('silent', controller.signal);
    await until(() => worker.started.at(-1)?.text === 'silent' && load() === 1);
    controller.abort();
    await expect(job).rejects.toMatchObject({ name: 'AbortError' });
    const cancelled = worker.started.at(-1)!.jobId;
    await until(() => worker.cancelled.includes(cancelled)); // the cancel frame is on its way
    expect(load()).toBe(0);
  });

  it('/v1/audio/speech answers the timeout as 504 in the OpenAI envelope', async () => {
    const user = await runtime.createUser('user');
    const { key } = await runtime.services.apiKeys.create({ name: 'deadline', ownerId: user.id, createdBy: null });
    const response = await runtime.app.inject({
      method: 'POST',
      url: '/v1/audio/speech',
      headers: bearer(key),
      payload: { model: 'tts-1', input: 'silent', voice: 'beep' },
    });
    expect(response.statusCode).toBe(504);
    expect(response.json()).toMatchObject({ error: { type: 'api_error', code: 'speech_job_timeout' } });
    expect(response.headers['retry-after']).toBe('1');
  });
});
