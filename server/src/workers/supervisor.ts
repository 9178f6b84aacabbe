import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Logger } from '../logger.js';
import type { WorkerPool } from './pool.js';
import type { WorkerConnection } from './worker-connection.js';

export type SupervisorStatus = 'stopped' | 'starting' | 'ready' | 'backoff' | 'stopping';

export interface SupervisorOptions {
  /** Command that starts the worker (`node --import tsx …/main.ts`); the url and token go in its env. */
  command: string;
  args: string[];
  env: Record<string, string>;
  pool: WorkerPool;
  token: string;
  readyTimeoutMs: number;
  memoryLimitBytes: number;
  backoffBaseMs?: number;
  backoffMaxMs: number;
  /** A run this long counts as healthy and resets the backoff. */
  stableAfterMs?: number;
  logger: Logger;
}

export interface SupervisorEvents {
  stateChange: [from: SupervisorStatus, to: SupervisorStatus];
}

/**
 * Keeps one local worker process alive: spawn -> handshake (its hello reaches the pool) -> ready;
 * exit, a missed handshake or a breached memory limit -> backoff (exponential) -> spawn again.
 */
export class WorkerSupervisor extends EventEmitter<SupervisorEvents> {
  status: SupervisorStatus = 'stopped';
  readonly workerId = `local-${randomUUID()}`;
  restarts = 0;
  lastExit: { code: number | null; signal: string | null; reason: string } | undefined;
  private child: ChildProcess | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private readySince = 0;
  private url = '';
  private killReason: string | undefined;

  constructor(private readonly options: SupervisorOptions) {
    super();
    options.pool.on('joined', (worker) => this.onJoined(worker));
  }

  start(url: string): void {
    this.url = url;
    if (this.status === 'stopped') this.spawnChild();
  }

  /** Kills the process (SIGKILL); the usual restart path brings it back. */
  restart(reason = 'restart requested'): void {
    this.kill(reason);
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.setState('stopping');
    clearTimeout(this.timer);
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(force);
    }
    this.setState('stopped');
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  private setState(next: SupervisorStatus): void {
    const previous = this.status;
    if (previous === next) return;
    this.status = next;
    if (next === 'ready') this.readySince = Date.now();
    this.emit('stateChange', previous, next);
  }

  private spawnChild(): void {
    const { options } = this;
    this.setState('starting');
    this.killReason = undefined;
    const env = { ...process.env, ...options.env, SPEECH_WORKER_URL: this.url, SPEECH_WORKER_TOKEN: options.token };
    Object.assign(env, { SPEECH_WORKER_ID: this.workerId, SPEECH_WORKER_EXIT_ON_DISCONNECT: 'true' });
    const child = spawn(options.command, options.args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
    this.child = child;
    child.once('exit', (code, signal) => this.onExit(child, code, signal));
    child.once('error', (err) => options.logger.error({ err }, 'speech worker could not be spawned'));
    this.timer = setTimeout(() => this.kill('no handshake in time'), options.readyTimeoutMs);
  }

  private onJoined(worker: WorkerConnection): void {
    if (worker.id !== this.workerId || this.status !== 'starting') return;
    clearTimeout(this.timer);
    this.setState('ready');
    worker.on('heartbeat', (rssBytes) => {
      if (rssBytes > this.options.memoryLimitBytes)
        this.kill(`memory limit exceeded (${Math.round(rssBytes / 1_048_576)} MB)`);
    });
  }

  private kill(reason: string): void {
    if (!this.child || this.child.exitCode !== null) return;
    this.killReason = reason;
    this.options.logger.warn({ reason, pid: this.child.pid }, 'killing speech worker');
    this.child.kill('SIGKILL');
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    clearTimeout(this.timer);
    this.child = undefined;
    this.options.pool.get(this.workerId)?.terminate('process exited');
    this.lastExit = { code, signal, reason: this.killReason ?? 'exited' };
    if (this.status === 'stopping' || this.status === 'stopped') return;
    const stable = this.status === 'ready' && Date.now() - this.readySince >= (this.options.stableAfterMs ?? 60_000);
    this.failures = stable ? 0 : this.failures + 1;
    const delayMs = Math.min(
      this.options.backoffMaxMs,
      (this.options.backoffBaseMs ?? 250) * 2 ** Math.max(0, this.failures - 1),
    );
    this.options.logger.warn(
      { code, signal, reason: this.lastExit.reason, delayMs },
      'speech worker exited; restarting',
    );
    this.setState('backoff');
    this.restarts++;
    this.timer = setTimeout(() => this.spawnChild(), delayMs);
  }
}

/** Resolves when `supervisor` reaches `status` (or rejects after `timeoutMs`). */
export function entersState(supervisor: WorkerSupervisor, status: SupervisorStatus, timeoutMs: number): Promise<void> {
  if (supervisor.status === status) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      supervisor.off('stateChange', onChange);
      reject(new Error(`supervisor did not reach ${status} within ${timeoutMs} ms (now ${supervisor.status})`));
    }, timeoutMs);
    const onChange = (_from: SupervisorStatus, to: SupervisorStatus) => {
      if (to !== status) return;
      clearTimeout(timer);
      supervisor.off('stateChange', onChange);
      resolve();
    };
    supervisor.on('stateChange', onChange);
  });
}
