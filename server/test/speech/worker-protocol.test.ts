import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  decodeAudioFrame,
  encodeAudioFrame,
  type HelloMessage,
  type OrchestratorMessage,
} from '@ai-secretary/protocol';
import { createTestRuntime, type TestRuntime } from '../helpers/runtime.js';

/** A worker written against the wire protocol only: answers TTS jobs with one frame of audio. */
class ProtocolWorker {
  readonly ws: WebSocket;
  readonly jobs: Array<{ jobId: string; kind: string }> = [];
  private releaseJobs: Array<() => void> = [];
  closedWith: number | undefined;

  constructor(
    url: string,
    token: string,
    readonly hello: HelloMessage,
    readonly holdJobs = false,
  ) {
    this.ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
    this.ws.on('close', (code) => (this.closedWith = code));
    this.ws.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) this.onMessage(JSON.parse(data.toString()) as OrchestratorMessage);
      else decodeAudioFrame(data);
    });
  }

  static helloFor(id: string, capacity = 1): HelloMessage {
    return {
      type: 'hello',
      protocolVersion: 1,
      workerId: id,
      name: id,
      pid: 1,
      capabilities: {
        stt: [],
        tts: [{ id: 'beep', engine: 'fake', language: 'en', sampleRateHz: 8000 }],
        vad: [],
        device: 'cpu',
        capacity,
      },
      problems: [],
    };
  }

  async open(): Promise<void> {
    await new Promise((resolve, reject) => this.ws.once('open', resolve).once('error', reject));
    this.ws.send(JSON.stringify(this.hello));
  }

  heartbeats = false;
  private timer: NodeJS.Timeout | undefined;

  private onMessage(message: OrchestratorMessage): void {
    if (message.type === 'welcome' && this.heartbeats) {
      const beat = () => this.ws.send(JSON.stringify({ type: 'heartbeat', rssBytes: 1, activeJobs: 0 }));
      this.timer = setInterval(beat, message.heartbeatIntervalMs);
      this.ws.once('close', () => clearInterval(this.timer));
    }
    if (message.type !== 'job.start') return;
    this.jobs.push({ jobId: message.jobId, kind: message.kind });
    const answer = () => {
      this.ws.send(JSON.stringify({ type: 'job.audio-format', jobId: message.jobId, sampleRateHz: 8000, channels: 1 }));
      this.ws.send(encodeAudioFrame(message.jobId, Int16Array.from([1, 2, 3])));
      this.ws.send(JSON.stringify({ type: 'job.done', jobId: message.jobId }));
    };
    if (this.holdJobs) this.releaseJobs.push(answer);
    else answer();
  }

  release(): void {
    for (const answer of this.releaseJobs.splice(0)) answer();
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

describe('/ws/workers protocol, pool routing and heartbeats', () => {
  let runtime: TestRuntime;
  let url: string;
  const workers: ProtocolWorker[] = [];
  const connect = async (hello: HelloMessage, hold = false, heartbeats = false) => {
    const worker = new ProtocolWorker(url, runtime.speech.token, hello, hold);
    worker.heartbeats = heartbeats;
    workers.push(worker);
    await worker.open();
    return worker;
  };

  beforeAll(async () => {
    runtime = await createTestRuntime({
      env: { SPEECH_HEARTBEAT_INTERVAL_MS: '200', SPEECH_QUEUE_TIMEOUT_MS: '5000' },
    });
    const base = await runtime.app.listen({ port: 0, host: '127.0.0.1' });
    url = `${base.replace('http', 'ws')}/ws/workers`;
  });
  afterAll(async () => {
    for (const w of workers) w.ws.terminate();
    await runtime?.dispose();
  });

  it('refuses a wrong token before the upgrade', async () => {
    const ws = new WebSocket(url, { headers: { authorization: 'Bearer wrong' } });
    const status = await new Promise<number>((resolve) =>
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    expect(status).toBe(401);
  });

  it('closes a connection whose hello does not match the schema', async () => {
    const bad = { ...ProtocolWorker.helloFor('bad'), capabilities: { capacity: 'lots' } } as unknown as HelloMessage;
    const worker = await connect(bad);
    await until(() => worker.closedWith !== undefined);
    expect(worker.closedWith).toBe(4400);
    expect(runtime.speech.pool.get('bad')).toBeUndefined();
  });

  it('routes to a worker with the voice, respects its capacity, and queues the rest', async () => {
    const a = await connect(ProtocolWorker.helloFor('a', 1), true);
    await until(() => runtime.speech.pool.get('a') !== undefined);
    const first = collect(runtime.speech.service.synthesize('one', { voice: 'beep' }));
    const second = collect(runtime.speech.service.synthesize('two', { voice: 'beep' }));
    await until(() => a.jobs.length === 1);
    expect(runtime.speech.pool.loadOf(runtime.speech.pool.get('a')!)).toBe(1);
    a.release(); // frees the slot; the queued job gets it
    await until(() => a.jobs.length === 2);
    a.release();
    const [one, two] = await Promise.all([first, second]);
    expect(one[0]).toEqual({ pcm: Int16Array.from([1, 2, 3]), sampleRateHz: 8000, channels: 1 });
    expect(two).toHaveLength(1);
  });

  it('an unknown voice is a 400, and a worker that stops heart-beating is dropped', async () => {
    await expect(collect(runtime.speech.service.synthesize('x', { voice: 'nope' }))).rejects.toMatchObject({
      statusCode: 400,
      code: 'VOICE_UNKNOWN',
    });
    // `a` from above never sends heartbeats: the pool drops it after three missed intervals.
    await until(() => runtime.speech.pool.get('a') === undefined);
    // The pool forgets it at once; the close frame reaches the worker's socket a moment later.
    const a = workers.find((w) => w.hello.workerId === 'a')!;
    await until(() => a.closedWith !== undefined);
    expect(a.closedWith).toBeGreaterThanOrEqual(1000);
  });

  it('a worker that sends an invalid message is disconnected and its jobs fail retryably', async () => {
    const b = await connect(ProtocolWorker.helloFor('b'), true, true);
    await until(() => runtime.speech.pool.get('b') !== undefined);
    const job = collect(runtime.speech.service.synthesize('three', { voice: 'beep' }));
    await until(() => b.jobs.length === 1);
    b.ws.send(JSON.stringify({ type: 'job.segment', jobId: b.jobs[0]!.jobId, startMs: -5, endMs: 'soon' }));
    await expect(job).rejects.toMatchObject({ code: 'SPEECH_WORKER_LOST', retryable: true });
    await until(() => b.closedWith !== undefined);
  });

  it('with no worker offering something the answer is 503 SPEECH_UNAVAILABLE', async () => {
    await expect(collect(runtime.speech.service.vad((async function* () {})()))).rejects.toMatchObject({
      statusCode: 503,
      code: 'SPEECH_UNAVAILABLE',
    });
  });
});
