import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { JobRecord, JobStatus } from '../../core/jobs/types.js';
import { epochMs, json } from '../columns.js';

@Entity({ name: 'jobs' })
@Index(['status', 'dueAt'])
@Index(['key'], { unique: true })
@Index(['claimedBy'])
export class JobEntity implements JobRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  kind!: string;

  @Column({ name: 'job_key', type: 'varchar', length: 200, nullable: true })
  key!: string | null;

  @Column({ type: 'text', transformer: json })
  payload!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 16 })
  status!: JobStatus;

  @Column({ name: 'due_at', type: 'bigint', transformer: epochMs })
  dueAt!: number;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ name: 'max_attempts', type: 'integer' })
  maxAttempts!: number;

  @Column({ name: 'lease_until', type: 'bigint', nullable: true, transformer: epochMs })
  leaseUntil!: number | null;

  @Column({ name: 'claimed_by', type: 'varchar', length: 36, nullable: true })
  claimedBy!: string | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt!: number;

  @Column({ name: 'done_at', type: 'bigint', nullable: true, transformer: epochMs })
  doneAt!: number | null;
}
