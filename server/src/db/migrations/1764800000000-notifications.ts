import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from './helpers.js';

/** Owner notification targets (secrets sealed) and the durable outbox of their deliveries. */
export class Notifications1764800000000 implements MigrationInterface {
  name = 'Notifications1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'notification_targets',
        columns: [
          col.id(),
          col.varchar('name', 100),
          col.varchar('kind', 24),
          col.bool('enabled'),
          col.text('events'),
          col.text('quiet_hours', true),
          col.bool('urgent'),
          col.varchar('language', 8),
          col.text('settings'),
          col.text('secret_sealed', true),
          col.ms('created_at'),
          col.ms('updated_at'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'notification_deliveries',
        columns: [
          col.id(),
          col.varchar('target_id', 36),
          col.varchar('event', 32),
          col.text('payload'),
          col.varchar('status', 16),
          col.int('attempts'),
          col.ms('next_attempt_at'),
          col.ms('lease_until', true),
          col.text('last_error', true),
          col.ms('created_at'),
          col.ms('sent_at', true),
        ],
        indices: [
          new TableIndex({ columnNames: ['status', 'next_attempt_at'] }),
          new TableIndex({ columnNames: ['created_at'] }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('notification_deliveries');
    await q.dropTable('notification_targets');
  }
}
