import { EventEmitter } from 'node:events';
import { Compile } from 'typebox/compile';
import type WebSocket from 'ws';
import {
  WorkerMessage,
  decodeAudioFrame,
  encodeAudioFrame,
  type Capabilities,
  type EngineProblem,
  type HelloMessage,
  type JobStartMessage,
  type OrchestratorMessage,
} from '@ai-secretary/protocol';
import type { Logger } from '../logger.js';
import type { ChildLink, LinkEvents } from '../processes/child-link.js';
import { SpeechEngineError, SpeechInputError, SpeechWorkerLostError } from '../speech/errors.js';
import { AsyncQueue } from '@ai-secretary/protocol';

const checkMessage = Compile(WorkerMessage);

/** What a job yields back from the worker. */
export type JobEvent =
  | { type: 'segment'; text?: string; startMs: number; endMs: number }
  | { type: 'onset'; startMs: number }
  | { type: 'audio'; pcm: Int16Array; sampleRateHz: number; channels: number };

export interface JobHandle {
  readonly id: string;
  readonly events: AsyncIterable<JobEvent>;
  sendAudio(pcm: Int16Array): void;
  endInput(): void;
  cancel(): void;
}

interface JobState {
  events: AsyncQueue<JobEvent>;
  format?: { sampleRateHz: number; channels: number };
}

export type WorkerConnectionEvents = LinkEvents;

let jobCounter = 0;

/** One connected speech worker after its hello: validated messages in, jobs multiplexed over the socket. */
export class WorkerConnection extends EventEmitter<WorkerConnectionEvents> implements ChildLink {
  readonly id: string;
  readonly name: string;
  readonly pid: number;
  readonly capabilities: Capabilities;
  readonly problems: EngineProblem[];
  readonly connectedAt = Date.now();
  lastHeartbeatAt = Date.now();
  rssBytes = 0;
  closed = false;
  private readonly jobs = new Map<string, JobState>();
  private readonly socket: WebSocket;
  private readonly logger: Logger;

  constructor(socket: WebSocket, hello: HelloMessage, logger: Logger) {
    super();
    this.socket = socket;
    this.id = hello.workerId;
    this.name = hello.name;
    this.pid = hello.pid;
    this.capabilities = hello.capabilities;
    this.problems = hello.problems;
    this.logger = logger.child({ workerId: hello.workerId });
    socket.on('message', (data: Buffer, isBinary) => this.receive(data, isBinary));
    socket.on('close', () => this.onClose());
  }

  get activeJobs(): number {
    return this.jobs.size;
  }

  send(message: OrchestratorMessage): void {
    if (!this.closed) this.socket.send(JSON.stringify(message));
  }

  startJob(start: Omit<JobStartMessage, 'type' | 'jobId'>): JobHandle {
    const id = `j${(++jobCounter).toString(36)}-${Date.now().toString(36)}`;
    const state: JobState = { events: new AsyncQueue() };
    this.jobs.set(id, state);
    if (this.closed) state.events.fail(new SpeechWorkerLostError(this.id));
    this.send({ type: 'job.start', jobId: id, ...start });
    return {
      id,
      events: state.events,
      sendAudio: (pcm) => !this.closed && this.jobs.has(id) && this.socket.send(encodeAudioFrame(id, pcm)),
      endInput: () => this.jobs.has(id) && this.send({ type: 'job.input-end', jobId: id }),
      cancel: () => {
        if (!this.jobs.delete(id)) return;
        this.send({ type: 'job.cancel', jobId: id });
        state.events.end();
      },
    };
  }

  /** Drops the connection (protocol violation, missed heartbeats, admin restart). */
  terminate(reason: string): void {
    this.logger.warn({ reason }, 'dropping speech worker connection');
    this.socket.terminate();
    this.onClose();
  }

  private receive(data: Buffer, isBinary: boolean): void {
    if (isBinary) return this.receiveAudio(data);
    let value: unknown;
    try {
      value = JSON.parse(data.toString('utf8'));
    } catch {
      return this.terminate('invalid JSON');
    }
    if (!checkMessage.Check(value)) return this.terminate('invalid message');
    this.handle(value);
  }

  private receiveAudio(data: Buffer): void {
    const frame = decodeAudioFrame(data);
    if (!frame) return this.terminate('malformed audio frame');
    const job = this.jobs.get(frame.jobId);
    if (!job?.format) return; // cancelled, or audio before its format: ignore
    job.events.push({ type: 'audio', pcm: frame.pcm, ...job.format });
  }

  private handle(message: WorkerMessage): void {
    switch (message.type) {
      case 'hello':
        return this.terminate('second hello');
      case 'heartbeat':
        this.lastHeartbeatAt = Date.now();
        this.rssBytes = message.rssBytes;
        this.emit('heartbeat', message.rssBytes);
        return;
      case 'job.audio-format': {
        const job = this.jobs.get(message.jobId);
        if (job) job.format = { sampleRateHz: message.sampleRateHz, channels: message.channels };
        return;
      }
      case 'job.segment':
        this.jobs
          .get(message.jobId)
          ?.events.push({ type: 'segment', text: message.text, startMs: message.startMs, endMs: message.endMs });
        return;
      case 'job.speech-onset':
        this.jobs.get(message.jobId)?.events.push({ type: 'onset', startMs: message.startMs });
        return;
      case 'job.done':
        this.finish(message.jobId);
        return;
      case 'job.error': {
        const error = message.badInput
          ? new SpeechInputError(message.message, message.code)
          : new SpeechEngineError(message.code, message.retryable);
        this.finish(message.jobId, error);
        return;
      }
    }
  }

  private finish(jobId: string, error?: Error): void {
    const job = this.jobs.get(jobId);
    if (!job) return;
    this.jobs.delete(jobId);
    if (error) job.events.fail(error);
    else job.events.end();
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const job of this.jobs.values()) job.events.fail(new SpeechWorkerLostError(this.id));
    this.jobs.clear();
    this.emit('close');
  }
}
