import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_STT_PROMPT_CHARS, type WorkerMessage } from '@ai-secretary/protocol';
import { runWorker } from '../src/kit/run-worker.js';
import { createSpeechHost } from '../src/speech/host.js';

/** An orchestrator stand-in: takes one worker's link, welcomes it, and records what the worker sends. */
class FakeOrchestrator {
  readonly server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  readonly received: WorkerMessage[] = [];
  socket: WebSocket | undefined;

  constructor() {
    this.server.on('connection', (socket) => {
      this.socket = socket;
      socket.on('message', (data: Buffer, isBinary) => {
        if (isBinary) return;
        const message = JSON.parse(data.toString()) as WorkerMessage;
        this.received.push(message);
        if (message.type === 'hello') socket.send(JSON.stringify({ type: 'welcome', heartbeatIntervalMs: 60_000 }));
      });
    });
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  send(message: object): void {
    this.socket!.send(JSON.stringify(message));
  }

  /** The first message about `jobId` (waits for it). */
  async replyTo(jobId: string): Promise<WorkerMessage> {
    for (;;) {
      const found = this.received.find((m) => 'jobId' in m && m.jobId === jobId);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

const sttJob = (jobId: string, prompt: string) => ({
  type: 'job.start',
  jobId,
  kind: 'stt',
  engine: 'pocketsphinx',
  sampleRateHz: 16_000,
  prompt,
});

describe('a speech worker answers job messages it cannot take', () => {
  const orchestrator = new FakeOrchestrator();
  const logger = pino({ level: 'silent' });
  const host = createSpeechHost({
    workerId: 'w-invalid',
    name: 'w-invalid',
    capacity: 4,
    engines: { stt: [], tts: [], vad: [], problems: [], device: 'cpu' },
    logger,
  });
  let worker: { close(): void } | undefined;

  beforeAll(async () => {
    if (!orchestrator.server.address()) await new Promise((r) => orchestrator.server.once('listening', r));
    worker = runWorker(
      { kind: 'speech-worker', url: orchestrator.url, token: 't', logger, exitOnDisconnect: false },
      host,
    );
    while (!orchestrator.received.some((m) => m.type === 'heartbeat')) await new Promise((r) => setTimeout(r, 10));
  });
  afterAll(async () => {
    worker?.close();
    await new Promise((resolve) => orchestrator.server.close(resolve));
  });

  it('a job.start past the worker limits comes back as job.error INVALID_JOB (bad input)', async () => {
    orchestrator.send(sttJob('too-long', 'x'.repeat(MAX_STT_PROMPT_CHARS + 1)));
    expect(await orchestrator.replyTo('too-long')).toMatchObject({
      type: 'job.error',
      code: 'INVALID_JOB',
      badInput: true,
      retryable: false,
      message: expect.stringContaining('/prompt') as unknown,
    });
  });

  it('so does a job.start with a field the protocol does not know', async () => {
    orchestrator.send({ ...sttJob('extra', 'hi'), priority: 'high' });
    expect(await orchestrator.replyTo('extra')).toMatchObject({ type: 'job.error', code: 'INVALID_JOB' });
  });

  it('a message naming no usable job id gets no reply; valid jobs are still answered', async () => {
    orchestrator.send({ type: 'job.start', jobId: 'x'.repeat(65), kind: 'stt', engine: 'pocketsphinx' });
    orchestrator.send({ type: 'nonsense' });
    orchestrator.send(sttJob('valid', 'hi'));
    expect(await orchestrator.replyTo('valid')).toMatchObject({ type: 'job.error', code: 'ENGINE_UNAVAILABLE' });
    const errors = orchestrator.received.filter((m) => m.type === 'job.error');
    expect(errors.map((m) => m.jobId)).toEqual(['too-long', 'extra', 'valid']);
  });
});
