import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from './helpers.js';

/** HTTP tools the owner connects (docs/http-tools.md) and the log of their calls. */
export class HttpTools1765600000000 implements MigrationInterface {
  name = 'HttpTools1765600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'http_tools',
        columns: [
          col.id(),
          col.varchar('name', 64),
          col.text('description'),
          col.text('parameters'),
          col.varchar('method', 8),
          col.text('url_template'),
          col.text('headers'),
          col.int('timeout_ms'),
          col.int('max_response_bytes'),
          col.varchar('response_path', 256, true),
          col.text('personas'),
          col.text('channels'),
          col.bool('side_effects'),
          col.bool('allow_private_network'),
          col.bool('enabled'),
          col.ms('created_at'),
          col.ms('updated_at'),
        ],
        indices: [new TableIndex({ columnNames: ['name'], isUnique: true })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'http_tool_calls',
        columns: [
          col.id(),
          col.varchar('tool_id', 36),
          col.varchar('tool_name', 64),
          col.varchar('channel', 16),
          col.varchar('route', 64, true),
          col.text('arguments'),
          col.varchar('outcome', 24),
          col.int('http_status', true),
          col.int('latency_ms'),
          col.text('error', true),
          col.ms('created_at'),
        ],
        indices: [new TableIndex({ columnNames: ['tool_id', 'created_at'] })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('http_tool_calls');
    await q.dropTable('http_tools');
  }
}
