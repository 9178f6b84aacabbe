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
import { SpeechEngineError, SpeechInputError, SpeechJobTimeoutError, SpeechWorkerLostError } from '../errors.js';
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
  /** The idle deadline, once armed: at start (TTS) or at the end of input (STT, VAD); reset by each result. */
  deadline?: NodeJS.Timeout;
}

export interface WorkerConnectionOptions {
  /** How long an armed job may go without a message from the worker before it fails and is cancelled. */
  jobIdleTimeoutMs: number;
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
  private readonly jobIdleTimeoutMs: number;

  constructor(socket: WebSocket, hello: HelloMessage, logger: Logger, options: WorkerConnectionOptions) {
    super();
    this.jobIdleTimeoutMs = options.jobIdleTimeoutMs;
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
    if (this.closed) state.events.fail(new SpeechWorkerLostError(this.id));
    else this.jobs.set(id, state);
    this.send({ type: 'job.start', jobId: id, ...start });
    if (start.kind === 'tts') this.arm(id); // no input to wait for: the worker owes an answer now
    return {
      id,
      events: state.events,
      sendAudio: (pcm) => !this.closed && this.jobs.has(id) && this.socket.send(encodeAudioFrame(id, pcm)),
      endInput: () => {
        if (!this.jobs.has(id)) return;
        this.send({ type: 'job.input-end', jobId: id });
        this.arm(id);
      },
      cancel: () => {
        if (!this.drop(id)) return;
        this.send({ type: 'job.cancel', jobId: id });
        state.events.end();
      },
    };
  }

  /** (Re)starts a job's idle deadline. */
  private arm(jobId: string): void {
    const job = this.jobs.get(jobId);
    if (!job) return;
    clearTimeout(job.deadline);
    job.deadline = setTimeout(() => this.expire(jobId), this.jobIdleTimeoutMs);
  }

  /** The worker said something about the job: an armed deadline starts over. */
  private touch(jobId: string): JobState | undefined {
    const job = this.jobs.get(jobId);
    if (job?.deadline) this.arm(jobId);
    return job;
  }

  /** Forgets a job (its slot is the caller's to release); returns it when it was still running. */
  private drop(jobId: string): JobState | undefined {
    const job = this.jobs.get(jobId);
    if (!job) return undefined;
    clearTimeout(job.deadline);
    this.jobs.delete(jobId);
    return job;
  }

  /** Nothing came back in time: cancel on the worker (it may only be slow) and fail the job here. */
  private expire(jobId: string): void {
    const job = this.drop(jobId);
    if (!job) return;
    this.logger.warn({ jobId, idleTimeoutMs: this.jobIdleTimeoutMs }, 'speech job timed out; cancelling it');
    this.send({ type: 'job.cancel', jobId });
    job.events.fail(new SpeechJobTimeoutError(this.id, this.jobIdleTimeoutMs));
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
    const job = this.touch(frame.jobId);
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
        const job = this.touch(message.jobId);
        if (job) job.format = { sampleRateHz: message.sampleRateHz, channels: message.channels };
        return;
      }
      case 'job.segment':
        this.touch(message.jobId)?.events.push({
          type: 'segment',
          text: message.text,
          startMs: message.startMs,
          endMs: message.endMs,
        });
        return;
      case 'job.speech-onset':
        this.touch(message.jobId)?.events.push({ type: 'onset', startMs: message.startMs });
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
    const job = this.drop(jobId);
    if (!job) return;
    if (error) job.events.fail(error);
    else job.events.end();
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const id of [...this.jobs.keys()]) this.drop(id)?.events.fail(new SpeechWorkerLostError(this.id));
    this.emit('close');
  }
}
