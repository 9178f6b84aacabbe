import { newId } from '../ids.js';
import type { JobPatch, JobRecord, JobStore } from './types.js';

/** What a handler may ask for instead of `done`: run again at `rerunAt` (a recurring scan, the next slice). */
export interface JobRerun {
  rerunAt: number;
  payload?: Record<string, unknown>;
}

export interface JobContext {
  /** Aborted when the scheduler stops or the lease was lost: finish the current step and return a rerun. */
  signal: AbortSignal;
  now(): number;
}

/** Runs one claimed job. Returning nothing marks it done; throwing retries it with backoff. */
export type JobHandler = (job: JobRecord, context: JobContext) => Promise<JobRerun | void>;

/** Thrown by a handler that knows when to try again (a 429 `retry_after`): not counted as a failed attempt. */
export class RetryJobAt extends Error {
  constructor(
    readonly retryAt: number,
    message = 'retry later',
  ) {
    super(message);
    this.name = 'RetryJobAt';
  }
}

export interface JobSchedulerLogger {
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface JobSchedulerDeps {
  store: JobStore;
  clock: () => number;
  logger: JobSchedulerLogger;
  /** A claim is held this long and renewed every third of it while the handler runs. */
  leaseMs: number;
  /** First retry after this; doubles each attempt up to `maxBackoffMs`. */
  retryBaseMs: number;
  maxBackoffMs?: number;
  /** Jobs run at once by this process. */
  concurrency?: number;
}

export interface EnqueueJob {
  kind: string;
  key?: string | null;
  payload?: Record<string, unknown>;
  dueAt: number;
  maxAttempts?: number;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 500);

/**
 * The durable due-jobs scheduler: jobs live in the database, are claimed with a lease (a dead process's claim
 * expires and is taken again), run by the handler registered for their kind, retried with exponential backoff,
 * and settled only by the claim that holds them. Generic: any feature registers a kind and enqueues.
 */
export function createJobScheduler(deps: JobSchedulerDeps) {
  const { store, clock, logger } = deps;
  const handlers = new Map<string, JobHandler>();
  const inFlight = new Set<Promise<void>>();
  const concurrency = deps.concurrency ?? 8;
  let stopping = new AbortController();
  let timer: NodeJS.Timeout | null = null;
  let pumping: Promise<number> | null = null;

  function register(kind: string, handler: JobHandler): void {
    if (handlers.has(kind)) throw new Error(`job kind ${kind} is registered twice`);
    handlers.set(kind, handler);
  }

  async function enqueue(input: EnqueueJob): Promise<{ job: JobRecord; created: boolean }> {
    const now = clock();
    const job: JobRecord = {
      ...{ id: newId(), kind: input.kind, key: input.key ?? null, payload: input.payload ?? {}, status: 'pending' },
      ...{ dueAt: input.dueAt, attempts: 0, maxAttempts: input.maxAttempts ?? 8, leaseUntil: null, claimedBy: null },
      ...{ lastError: null, createdAt: now, updatedAt: now, doneAt: null },
    };
    const stored = await store.enqueue(job);
    if (stored.created && input.dueAt <= now && timer !== null) setImmediate(() => void pump());
    return stored;
  }

  const settle = (id: string, claimedBy: string, patch: JobPatch) =>
    store.settle(id, claimedBy, { ...patch, updatedAt: clock() });

  const backoffMs = (attempts: number) =>
    Math.min(deps.retryBaseMs * 2 ** Math.max(0, attempts - 1), deps.maxBackoffMs ?? 3_600_000);

  async function settleError(job: JobRecord, claimedBy: string, error: unknown): Promise<void> {
    const now = clock();
    if (error instanceof RetryJobAt) {
      const patch = { status: 'pending', dueAt: error.retryAt, attempts: job.attempts - 1 } as const;
      await settle(job.id, claimedBy, { ...patch, leaseUntil: null, lastError: errorText(error) });
      return;
    }
    const final = job.attempts >= job.maxAttempts;
    logger.warn({ err: error, jobId: job.id, kind: job.kind, attempts: job.attempts, final }, 'job failed');
    await settle(job.id, claimedBy, {
      status: final ? 'failed' : 'pending',
      dueAt: final ? job.dueAt : now + backoffMs(job.attempts),
      leaseUntil: null,
      lastError: errorText(error),
      doneAt: final ? now : null,
    });
  }

  async function settleOutcome(job: JobRecord, claimedBy: string, outcome: JobRerun | void): Promise<void> {
    const now = clock();
    if (!outcome) {
      await settle(job.id, claimedBy, { status: 'done', leaseUntil: null, lastError: null, doneAt: now });
      return;
    }
    await settle(job.id, claimedBy, {
      ...{ status: 'pending', dueAt: outcome.rerunAt, attempts: 0, leaseUntil: null, lastError: null },
      ...(outcome.payload ? { payload: outcome.payload } : {}),
    });
  }

  /**
   * Renews the lease every third of it while the handler runs (real time: a lease is a wall-clock promise). A renewal
   * that finds the job taken over (this process stalled past its lease) aborts the handler: someone else has it now.
   */
  function keepLease(job: JobRecord, claimedBy: string, lost: AbortController): () => void {
    const renew = setInterval(() => {
      void settle(job.id, claimedBy, { leaseUntil: clock() + deps.leaseMs })
        .then((held) => {
          if (!held) lost.abort();
        })
        .catch(() => undefined);
    }, deps.leaseMs / 3);
    renew.unref();
    return () => clearInterval(renew);
  }

  async function run(job: JobRecord, claimedBy: string): Promise<void> {
    const handler = handlers.get(job.kind);
    if (job.attempts > job.maxAttempts || !handler) {
      const lastError = handler ? 'claimed too often (its process died each time?)' : `no handler for ${job.kind}`;
      await settle(job.id, claimedBy, { status: 'failed', leaseUntil: null, lastError, doneAt: clock() });
      return;
    }
    const lost = new AbortController();
    const release = keepLease(job, claimedBy, lost);
    const signal = AbortSignal.any([stopping.signal, lost.signal]);
    try {
      const outcome = await handler(job, { signal, now: clock });
      release();
      await settleOutcome(job, claimedBy, outcome);
    } catch (error) {
      release();
      await settleError(job, claimedBy, error);
    }
  }

  function start(job: JobRecord, claimedBy: string): void {
    const running = run(job, claimedBy)
      .catch((error: unknown) => logger.error({ err: error, jobId: job.id }, 'job could not be settled'))
      .finally(() => {
        inFlight.delete(running);
        if (timer !== null) void pump();
      });
    inFlight.add(running);
  }

  async function claimFree(): Promise<number> {
    try {
      const free = concurrency - inFlight.size;
      if (free <= 0 || handlers.size === 0 || stopping.signal.aborted) return 0;
      const claimedBy = newId();
      const now = clock();
      const kinds = [...handlers.keys()];
      const jobs = await store.claim({ now, leaseUntil: now + deps.leaseMs, claimedBy, limit: free, kinds });
      for (const job of jobs) start(job, claimedBy);
      return jobs.length;
    } catch (error) {
      logger.error({ err: error }, 'job claim failed');
      return 0;
    }
  }

  /** Claims as many due jobs as there are free slots and starts them (a claim in progress is joined). */
  function pump(): Promise<number> {
    if (pumping) return pumping;
    const claiming = claimFree().finally(() => {
      if (pumping === claiming) pumping = null;
    });
    pumping = claiming;
    return claiming;
  }

  /** Runs everything due now (and what those runs make due now) to the end: tests with a fake clock use it. */
  async function runDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const started = await pump();
      total += started;
      if (inFlight.size === 0 && started === 0) return total;
      await Promise.race(inFlight);
    }
  }

  return {
    register,
    enqueue,
    runDue,
    /** Polls every `pollMs` (and at once when a due job is enqueued) until stopped. */
    start(pollMs: number): void {
      if (timer !== null) return;
      stopping = new AbortController();
      timer = setInterval(() => void pump(), pollMs);
      timer.unref();
      void pump();
    },
    /** Stops claiming, tells running handlers to wrap up, and waits for them. */
    async stop(): Promise<void> {
      if (timer !== null) clearInterval(timer);
      timer = null;
      stopping.abort();
      await Promise.allSettled([...inFlight]);
    },
    /** Moves a pending job earlier (a recurring job whose interval got shorter); false when nothing moved. */
    advance: (id: string, dueAt: number) => store.advance(id, dueAt),
    get: (id: string) => store.findById(id),
    byKey: (key: string) => store.findByKey(key),
    counts: (kind?: string) => store.counts(kind),
  };
}

export type JobScheduler = ReturnType<typeof createJobScheduler>;
