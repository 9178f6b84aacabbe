import { In, LessThan, MoreThan, type DataSource, type Repository } from 'typeorm';
import type { JobClaim, JobRecord, JobStatus, JobStore } from '../../core/jobs/types.js';
import { claimRow } from '../claim-row.js';
import { JobEntity } from '../entities/job.entity.js';

/** Quoted table name, schema included (tests use one PostgreSQL schema each). */
function tableOf(db: DataSource): string {
  return db
    .getMetadata(JobEntity)
    .tablePath.split('.')
    .map((n) => db.driver.escape(n))
    .join('.');
}

/**
 * One UPDATE takes the due rows: on PostgreSQL its subquery locks them `FOR UPDATE SKIP LOCKED` (a concurrent
 * claimer skips what this one holds instead of waiting for it); SQLite runs the statement under its single writer.
 * Parameters are bound in the order they appear (`$n` on PostgreSQL, `?` on SQLite).
 */
function claimQuery(db: DataSource, claim: JobClaim): [string, unknown[]] {
  const postgres = db.options.type === 'postgres';
  const params: unknown[] = [];
  const p = (value: unknown) => (params.push(value), postgres ? `$${params.length}` : '?');
  const table = tableOf(db);
  const set =
    `status = 'running', lease_until = ${p(claim.leaseUntil)}, claimed_by = ${p(claim.claimedBy)}, ` +
    `attempts = attempts + 1, updated_at = ${p(claim.now)}`;
  const kinds = claim.kinds.map(p).join(', ');
  const due = `(status = 'pending' AND due_at <= ${p(claim.now)}) OR (status = 'running' AND lease_until < ${p(claim.now)})`;
  const lock = postgres ? ' FOR UPDATE SKIP LOCKED' : '';
  const pick = `SELECT id FROM ${table} WHERE kind IN (${kinds}) AND (${due}) ORDER BY due_at ASC LIMIT ${p(claim.limit)}${lock}`;
  return [`UPDATE ${table} SET ${set} WHERE id IN (${pick})`, params];
}

/** TypeORM's deep-partial type cannot see through `Record<string, unknown>` payloads; the column is JSON text. */
type Row = Parameters<Repository<JobEntity>['update']>[1];

export function createJobStore(db: DataSource): JobStore {
  const repo = db.getRepository(JobEntity);
  return {
    async enqueue(job) {
      if (job.key === null) {
        await repo.insert(job as Row);
        return { job, created: true };
      }
      const { row, created } = await claimRow(repo, { key: job.key }, job);
      return { job: row, created };
    },
    async claim(claim: JobClaim): Promise<JobRecord[]> {
      if (claim.kinds.length === 0 || claim.limit <= 0) return [];
      await db.query(...claimQuery(db, claim));
      return repo.find({ where: { claimedBy: claim.claimedBy, status: 'running' }, order: { dueAt: 'ASC' } });
    },
    async settle(id, claimedBy, patch) {
      const result = await repo.update({ id, claimedBy, status: 'running' }, patch as Row);
      return result.affected === 1;
    },
    async advance(id, dueAt) {
      const result = await repo.update({ id, status: 'pending', dueAt: MoreThan(dueAt) }, { dueAt });
      return result.affected === 1;
    },
    findById: (id) => repo.findOneBy({ id }),
    findByKey: (key) => repo.findOneBy({ key }),
    async counts(kind) {
      const query = repo.createQueryBuilder('j').select('j.status', 'status').addSelect('COUNT(*)', 'n');
      if (kind !== undefined) query.where('j.kind = :kind', { kind });
      const rows = await query.groupBy('j.status').getRawMany<{ status: JobStatus; n: string | number }>();
      const counts: Record<JobStatus, number> = { pending: 0, running: 0, done: 0, failed: 0 };
      for (const row of rows) counts[row.status] = Number(row.n);
      return counts;
    },
    async prune(beforeMs) {
      const result = await repo.delete({ status: In(['done', 'failed']), updatedAt: LessThan(beforeMs) });
      return result.affected ?? 0;
    },
  };
}
