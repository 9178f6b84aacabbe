import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from './helpers.js';

/** The durable due-jobs table of the scheduler (core/jobs): claimed with a lease, retried with backoff. */
export class Jobs1765400000000 implements MigrationInterface {
  name = 'Jobs1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'jobs',
        columns: [
          col.id(),
          col.varchar('kind', 64),
          col.varchar('job_key', 200, true),
          col.text('payload'),
          col.varchar('status', 16),
          col.ms('due_at'),
          col.int('attempts'),
          col.int('max_attempts'),
          col.ms('lease_until', true),
          col.varchar('claimed_by', 36, true),
          col.text('last_error', true),
          col.ms('created_at'),
          col.ms('updated_at'),
          col.ms('done_at', true),
        ],
        indices: [
          new TableIndex({ columnNames: ['status', 'due_at'] }),
          new TableIndex({ columnNames: ['job_key'], isUnique: true }),
          new TableIndex({ columnNames: ['claimed_by'] }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('jobs');
  }
}
