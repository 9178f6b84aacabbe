import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from './helpers.js';

/** Website widget tokens: they authenticate `GET /ws/voice` only (docs/voice.md). */
export class WidgetTokens1764400000000 implements MigrationInterface {
  name = 'WidgetTokens1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'widget_tokens',
        columns: [
          col.id(),
          col.varchar('name', 100),
          { ...col.varchar('prefix', 32), isUnique: true },
          { ...col.varchar('token_hash', 64), isUnique: true },
          col.text('allowed_origins'),
          col.varchar('route', 64, true),
          col.int('max_concurrent_sessions'),
          col.ms('created_at'),
          col.ms('last_used_at', true),
          col.ms('revoked_at', true),
          col.varchar('created_by', 36, true),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('widget_tokens');
  }
}
