import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from './helpers.js';

export class Gsm1764000000000 implements MigrationInterface {
  name = 'Gsm1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'gsm_calls',
        columns: [
          col.id(),
          col.varchar('direction', 16),
          col.varchar('number', 32, true),
          col.varchar('status', 16),
          col.text('task', true),
          col.ms('started_at'),
          col.ms('answered_at', true),
          col.ms('ended_at', true),
          col.varchar('end_reason', 128, true),
          col.varchar('dtmf', 256),
          col.text('transcript'),
          col.text('metrics'),
          col.varchar('recording_caller', 256, true),
          col.varchar('recording_secretary', 256, true),
        ],
        indices: [new TableIndex({ columnNames: ['started_at'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'gsm_sms',
        columns: [
          col.id(),
          col.varchar('direction', 8),
          col.varchar('number', 32),
          col.text('text'),
          col.varchar('status', 16),
          col.int('parts'),
          col.text('message_refs'),
          col.int('delivered_parts'),
          col.varchar('error', 256, true),
          col.ms('created_at'),
          col.ms('sent_at', true),
          col.ms('delivered_at', true),
        ],
        indices: [new TableIndex({ columnNames: ['created_at'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'gsm_sms_parts',
        columns: [
          col.id(),
          { ...col.varchar('pdu_hash', 64), isUnique: true },
          col.varchar('sender', 32),
          col.int('reference', true),
          col.int('total'),
          col.int('sequence'),
          col.text('text'),
          col.ms('sent_at_ms'),
          col.ms('received_at'),
          col.varchar('message_id', 36, true),
        ],
        indices: [new TableIndex({ columnNames: ['message_id'] })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['gsm_sms_parts', 'gsm_sms', 'gsm_calls']) await q.dropTable(table);
  }
}
