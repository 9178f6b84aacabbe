import { EventEmitter } from 'node:events';
import type { Capabilities } from '@ai-secretary/protocol';
import { SpeechUnavailableError } from '../errors.js';
import type { WorkerConnection } from './worker-connection.js';

export interface Lease {
  worker: WorkerConnection;
  release(): void;
}

interface Waiter {
  fits: (caps: Capabilities) => boolean;
  grant: (lease: Lease) => void;
}

export interface PoolEvents {
  joined: [worker: WorkerConnection];
  left: [worker: WorkerConnection];
}

export interface WorkerPoolOptions {
  heartbeatIntervalMs: number;
  queueTimeoutMs: number;
  /** Heartbeats a worker may miss before it is dropped (a busy machine can stall a process for seconds). */
  missedHeartbeats?: number;
}

/**
 * Connected workers and their free slots. A job goes to the least-loaded worker that offers what it
 * needs; when all such workers are busy it waits (FIFO) for a slot, up to `queueTimeoutMs`.
 */
export class WorkerPool extends EventEmitter<PoolEvents> {
  private readonly workers = new Map<string, WorkerConnection>();
  private readonly load = new Map<WorkerConnection, number>();
  private waiters: Waiter[] = [];
  private watch: NodeJS.Timeout | undefined;
  /** True while a worker is expected to (re)join, e.g. the local one is starting or backing off. */
  expectingWorker: () => boolean = () => false;

  constructor(private readonly options: WorkerPoolOptions) {
    super();
  }

  list(): WorkerConnection[] {
    return [...this.workers.values()];
  }

  get(id: string): WorkerConnection | undefined {
    return this.workers.get(id);
  }

  loadOf(worker: WorkerConnection): number {
    return this.load.get(worker) ?? 0;
  }

  add(worker: WorkerConnection): void {
    this.workers.get(worker.id)?.terminate('replaced by a new connection with the same id');
    this.workers.set(worker.id, worker);
    this.load.set(worker, 0);
    worker.once('close', () => this.remove(worker));
    this.emit('joined', worker);
    this.serveWaiters();
  }

  private remove(worker: WorkerConnection): void {
    if (this.workers.get(worker.id) === worker) this.workers.delete(worker.id);
    this.load.delete(worker);
    this.emit('left', worker);
  }

  /**
   * Resolves at once when a worker is connected; while one is expected (restart in progress) waits for it
   * to join, up to `queueTimeoutMs`, so requests ride out a restart instead of failing.
   */
  async whenAnyWorker(signal?: AbortSignal): Promise<void> {
    if (this.list().some((w) => !w.closed) || !this.expectingWorker()) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.off('joined', done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, this.options.queueTimeoutMs);
      this.once('joined', done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Takes a slot on a worker whose capabilities `fits`; `what` names the need in errors. */
  async acquire(fits: (caps: Capabilities) => boolean, what: string, signal?: AbortSignal): Promise<Lease> {
    if (!this.list().some((w) => fits(w.capabilities)))
      throw new SpeechUnavailableError(`No speech worker offers ${what}`);
    const free = this.pick(fits);
    if (free) return this.lease(free);
    return new Promise<Lease>((resolve, reject) => {
      const waiter: Waiter = { fits, grant: (lease) => done(() => resolve(lease)) };
      const timer = setTimeout(
        () => done(() => reject(new SpeechUnavailableError(`All speech workers offering ${what} are busy`))),
        this.options.queueTimeoutMs,
      );
      const onAbort = () => done(() => reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted')));
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = (settle: () => void) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        settle();
      };
      this.waiters.push(waiter);
    });
  }

  private pick(fits: (caps: Capabilities) => boolean): WorkerConnection | undefined {
    const candidates = this.list().filter(
      (w) => !w.closed && fits(w.capabilities) && this.loadOf(w) < w.capabilities.capacity,
    );
    return candidates.sort(
      (a, b) => this.loadOf(a) / a.capabilities.capacity - this.loadOf(b) / b.capabilities.capacity,
    )[0];
  }

  private lease(worker: WorkerConnection): Lease {
    this.load.set(worker, this.loadOf(worker) + 1);
    let released = false;
    return {
      worker,
      release: () => {
        if (released) return;
        released = true;
        if (this.load.has(worker)) this.load.set(worker, this.loadOf(worker) - 1);
        this.serveWaiters();
      },
    };
  }

  private serveWaiters(): void {
    for (const waiter of [...this.waiters]) {
      const worker = this.pick(waiter.fits);
      if (worker) waiter.grant(this.lease(worker));
    }
  }

  /** Drops workers that missed `missedHeartbeats` (default 5) heartbeats in a row. */
  startWatching(): void {
    const intervalMs = this.options.heartbeatIntervalMs;
    this.watch = setInterval(() => {
      const deadline = Date.now() - intervalMs * (this.options.missedHeartbeats ?? 5);
      for (const worker of this.list()) if (worker.lastHeartbeatAt < deadline) worker.terminate('missed heartbeats');
    }, intervalMs);
    this.watch.unref();
  }

  close(): void {
    clearInterval(this.watch);
    for (const worker of this.list()) worker.terminate('orchestrator shutting down');
  }
}
