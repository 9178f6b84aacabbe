/** `pending` until claimed; `running` while a process holds its lease; `done` or `failed` (attempts used up). */
export type JobStatus = 'pending' | 'running' | 'done' | 'failed';

/** One durable unit of work due at a time: a follow-up to send, a broadcast slice to run, a call to place. */
export interface JobRecord {
  id: string;
  /** Which handler runs it (`telegram.followup.send`, `telegram.broadcast.run`, …). */
  kind: string;
  /** Unique when set: enqueueing a second job with the same key returns the first (idempotent scheduling). */
  key: string | null;
  payload: Record<string, unknown>;
  status: JobStatus;
  dueAt: number;
  /** Claims so far (a claim whose process died counts: a job that kills its process stops after maxAttempts). */
  attempts: number;
  maxAttempts: number;
  /** A `running` job whose lease is past is claimed again by whoever looks next. */
  leaseUntil: number | null;
  /** The claim that holds the lease; only it may settle the job. */
  claimedBy: string | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  doneAt: number | null;
}

export interface JobClaim {
  now: number;
  leaseUntil: number;
  claimedBy: string;
  limit: number;
  kinds: string[];
}

export type JobPatch = Partial<
  Pick<JobRecord, 'status' | 'dueAt' | 'attempts' | 'leaseUntil' | 'lastError' | 'payload' | 'doneAt' | 'updatedAt'>
>;

export interface JobStore {
  /** Inserts unless a job with the same key exists; the stored job and whether this call created it. */
  enqueue(job: JobRecord): Promise<{ job: JobRecord; created: boolean }>;
  /**
   * Atomically takes up to `limit` due jobs of `kinds` (pending and due, or running with a lease past `now`), earliest
   * first: status `running`, the new lease and claimer, attempts + 1. Two claimers never get the same job
   * (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite: one UPDATE statement under its single writer).
   */
  claim(claim: JobClaim): Promise<JobRecord[]>;
  /** Applies `patch` while `claimedBy` still holds the job; false when another claim took it over. */
  settle(id: string, claimedBy: string, patch: JobPatch): Promise<boolean>;
  /** Moves a pending job earlier (never later); false when it is not pending or already due by then. */
  advance(id: string, dueAt: number): Promise<boolean>;
  findById(id: string): Promise<JobRecord | null>;
  findByKey(key: string): Promise<JobRecord | null>;
  /** Jobs per status (of one kind, or all). */
  counts(kind?: string): Promise<Record<JobStatus, number>>;
  /** Forgets done and failed jobs settled before `beforeMs`. */
  prune(beforeMs: number): Promise<number>;
}
