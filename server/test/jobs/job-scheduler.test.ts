import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetryJobAt } from '../../src/core/jobs/scheduler.js';
import { createTestRuntime, type TestRuntime } from '../helpers/runtime.js';

describe('durable due-jobs scheduler', () => {
  let rt: TestRuntime;
  let now = 1_800_000_000_000;
  const ran: string[] = [];
  beforeAll(async () => {
    rt = await createTestRuntime({
      clock: () => now,
      env: { JOBS_POLL_MS: '600000', JOBS_LEASE_MS: '60000', JOBS_RETRY_BASE_MS: '1000', TELEGRAM_ENABLED: 'false' },
    });
    rt.jobs.register('test.echo', async (job) => void ran.push(String(job.payload.name)));
    rt.jobs.register('test.flaky', async () => {
      throw new Error('upstream down');
    });
    rt.jobs.register('test.later', async (job) => {
      if (job.payload.waited !== true) throw new RetryJobAt(now + 5_000);
      ran.push('later');
    });
    rt.jobs.register('test.recurring', async (job) => {
      const n = Number(job.payload.n ?? 0) + 1;
      ran.push(`tick ${n}`);
      return n < 3 ? { rerunAt: now + 60_000, payload: { n } } : undefined;
    });
  });
  afterAll(async () => {
    await rt.dispose();
  });

  it('runs a job when it is due, once, and a keyed enqueue is idempotent', async () => {
    const first = await rt.jobs.enqueue({
      kind: 'test.echo',
      key: 'echo:a',
      payload: { name: 'a' },
      dueAt: now + 1000,
    });
    const again = await rt.jobs.enqueue({ kind: 'test.echo', key: 'echo:a', payload: { name: 'b' }, dueAt: now });
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ created: false, job: { id: first.job.id, payload: { name: 'a' } } });
    expect(await rt.jobs.runDue()).toBe(0);
    now += 1000;
    expect(await rt.jobs.runDue()).toBe(1);
    expect(await rt.jobs.runDue()).toBe(0);
    expect(ran).toEqual(['a']);
    expect(await rt.jobs.get(first.job.id)).toMatchObject({ status: 'done', attempts: 1, doneAt: now });
  });

  it('retries a failing job with exponential backoff, then marks it failed', async () => {
    const { job } = await rt.jobs.enqueue({ kind: 'test.flaky', payload: {}, dueAt: now, maxAttempts: 3 });
    await rt.jobs.runDue();
    expect(await rt.jobs.get(job.id)).toMatchObject({ status: 'pending', attempts: 1, dueAt: now + 1000 });
    now += 1000;
    await rt.jobs.runDue();
    expect(await rt.jobs.get(job.id)).toMatchObject({ status: 'pending', attempts: 2, dueAt: now + 2000 });
    now += 2000;
    await rt.jobs.runDue();
    expect(await rt.jobs.get(job.id)).toMatchObject({ status: 'failed', attempts: 3, lastError: 'upstream down' });
  });

  it('a handler can ask for a later time (429 retry_after) without spending an attempt, or rerun itself', async () => {
    const { job } = await rt.jobs.enqueue({ kind: 'test.later', payload: {}, dueAt: now });
    await rt.jobs.runDue();
    expect(await rt.jobs.get(job.id)).toMatchObject({ status: 'pending', attempts: 0, dueAt: now + 5000 });
    const recurring = await rt.jobs.enqueue({ kind: 'test.recurring', key: 'tick', dueAt: now });
    for (let i = 0; i < 4; i++) {
      await rt.jobs.runDue();
      now += 60_000;
    }
    expect(ran.filter((r) => r.startsWith('tick'))).toEqual(['tick 1', 'tick 2', 'tick 3']);
    expect(await rt.jobs.get(recurring.job.id)).toMatchObject({ status: 'done', payload: { n: 2 } });
  });

  it('a claim held by a process that died is taken again once its lease is past; the stale claim cannot settle', async () => {
    const jobs = rt.stores.jobs;
    const { job } = await rt.jobs.enqueue({ kind: 'test.echo', payload: { name: 'orphan' }, dueAt: now + 10 });
    now += 10;
    // A "dead" process claimed it (and everything else due) and never came back.
    const dead = await jobs.claim({
      now,
      leaseUntil: now + 60_000,
      claimedBy: 'dead',
      limit: 50,
      kinds: ['test.echo'],
    });
    expect(dead.map((j) => j.id)).toEqual([job.id]);
    await rt.jobs.runDue();
    expect(ran).not.toContain('orphan');
    now += 60_001;
    await rt.jobs.runDue();
    expect(ran.filter((r) => r === 'orphan')).toHaveLength(1);
    expect(await rt.jobs.get(job.id)).toMatchObject({ status: 'done', attempts: 2 });
    expect(await jobs.settle(job.id, 'dead', { status: 'failed' })).toBe(false);
  });

  it('concurrent claimers never get the same job', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 40; i++)
      ids.add((await rt.jobs.enqueue({ kind: 'test.race', payload: { i }, dueAt: now + 10 })).job.id);
    now += 10;
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        rt.stores.jobs.claim({ now, leaseUntil: now + 1000, claimedBy: `c${i}`, limit: 7, kinds: ['test.race'] }),
      ),
    );
    const claimed = claims.flat().map((j) => j.id);
    expect(new Set(claimed).size).toBe(claimed.length);
    expect(claimed.length).toBe(40);
    expect(claimed.every((id) => ids.has(id))).toBe(true);
    expect((await rt.jobs.counts('test.race')).running).toBe(40);
  });
});
