import { Table, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from './helpers.js';

const cascadeTo = (table: string, column: string) =>
  new TableForeignKey({
    columnNames: [column],
    referencedTableName: table,
    referencedColumnNames: ['id'],
    onDelete: 'CASCADE',
  });

/** Follow-up rules and their sends (intent before the send), broadcasts and their recipients (docs/follow-ups-and-broadcasts.md). */
export class TelegramOutreach1765400000001 implements MigrationInterface {
  name = 'TelegramOutreach1765400000001';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'telegram_followup_rules',
        columns: [
          ...[col.id(), col.varchar('bot_id', 36), col.varchar('name', 100), col.varchar('step', 64, true)],
          ...[
            col.varchar('segment', 32, true),
            col.int('after_hours'),
            col.text('text'),
            col.varchar('button_text', 64),
          ],
          ...[col.int('max_times'), col.bool('enabled'), col.ms('created_at'), col.ms('updated_at')],
        ],
        indices: [new TableIndex({ columnNames: ['bot_id'] })],
        foreignKeys: [cascadeTo('telegram_bots', 'bot_id')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'telegram_followup_sends',
        columns: [
          ...[
            col.id(),
            col.varchar('rule_id', 36),
            col.varchar('bot_id', 36),
            col.ms('chat_id'),
            col.int('occurrence'),
          ],
          ...[col.varchar('status', 16), col.ms('message_id', true), col.text('error', true), col.ms('created_at')],
          ...[col.ms('sent_at', true), col.ms('answered_at', true)],
        ],
        indices: [
          new TableIndex({ columnNames: ['rule_id', 'chat_id', 'occurrence'], isUnique: true }),
          new TableIndex({ columnNames: ['bot_id'] }),
        ],
        foreignKeys: [cascadeTo('telegram_followup_rules', 'rule_id')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'telegram_broadcasts',
        columns: [
          ...[col.id(), col.varchar('bot_id', 36), col.text('text'), col.varchar('button_text', 64, true)],
          ...[col.varchar('button_url', 500, true), col.varchar('segment', 32, true), col.varchar('status', 16)],
          ...[col.ms('tested_at', true), col.ms('created_at'), col.ms('updated_at'), col.ms('started_at', true)],
          col.ms('finished_at', true),
        ],
        indices: [new TableIndex({ columnNames: ['bot_id', 'created_at'] })],
        foreignKeys: [cascadeTo('telegram_bots', 'bot_id')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'telegram_broadcast_recipients',
        columns: [
          { ...col.varchar('broadcast_id', 36), isPrimary: true },
          { ...col.ms('chat_id'), isPrimary: true },
          ...[col.varchar('status', 16), col.int('attempts'), col.ms('message_id', true), col.text('error', true)],
          col.ms('updated_at'),
        ],
        indices: [new TableIndex({ columnNames: ['broadcast_id', 'status'] })],
        foreignKeys: [cascadeTo('telegram_broadcasts', 'broadcast_id')],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'telegram_broadcast_recipients',
      'telegram_broadcasts',
      'telegram_followup_sends',
      'telegram_followup_rules',
    ])
      await q.dropTable(table);
  }
}
