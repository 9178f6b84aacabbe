import { Table, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from './helpers.js';

const conversationFk = (column: string, onDelete: 'CASCADE' | 'SET NULL') =>
  new TableForeignKey({
    columnNames: [column],
    referencedTableName: 'conversations',
    referencedColumnNames: ['id'],
    onDelete,
  });

export class Voice1764100000000 implements MigrationInterface {
  name = 'Voice1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'conversations',
        columns: [
          col.id(),
          col.varchar('channel', 32),
          col.varchar('caller', 128, true),
          col.ms('started_at'),
          col.ms('ended_at', true),
          col.varchar('outcome', 32, true),
          col.int('turn_count'),
          col.text('degradations'),
        ],
        indices: [new TableIndex({ columnNames: ['started_at'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'conversation_turns',
        columns: [
          col.id(),
          col.varchar('conversation_id', 36),
          col.int('turn_index'),
          col.varchar('mode', 16),
          col.text('user_text', true),
          col.text('assistant_text', true),
          col.ms('started_at'),
          col.ms('ended_at'),
          col.varchar('outcome', 16),
          col.text('tool_calls'),
          col.text('metrics'),
        ],
        indices: [new TableIndex({ columnNames: ['conversation_id', 'turn_index'] })],
        foreignKeys: [conversationFk('conversation_id', 'CASCADE')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'taken_messages',
        columns: [
          col.id(),
          col.varchar('conversation_id', 36, true),
          col.varchar('channel', 32),
          col.varchar('source', 16),
          col.varchar('caller_name', 200),
          col.varchar('callback_number', 64),
          col.text('reason'),
          col.ms('created_at'),
          col.ms('handled_at', true),
          col.varchar('handled_by', 36, true),
        ],
        indices: [new TableIndex({ columnNames: ['created_at'] }), new TableIndex({ columnNames: ['handled_at'] })],
        foreignKeys: [conversationFk('conversation_id', 'SET NULL')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'webhooks',
        columns: [
          col.id(),
          col.varchar('url', 2048),
          col.text('secret_sealed'),
          col.varchar('event', 64),
          col.bool('enabled'),
          col.ms('created_at'),
          col.varchar('created_by', 36, true),
          col.ms('last_delivery_at', true),
          col.int('last_status', true),
          col.varchar('last_error', 500, true),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['webhooks', 'taken_messages', 'conversation_turns', 'conversations']) await q.dropTable(table);
  }
}
