import { Table, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from './helpers.js';

const botKey = () =>
  new TableForeignKey({
    columnNames: ['bot_id'],
    referencedTableName: 'telegram_bots',
    referencedColumnNames: ['id'],
    onDelete: 'CASCADE',
  });

/**
 * Sales funnels as data: every saved version of a bot's funnel (a draft until published; published versions are
 * never changed, so a subscriber mid-way keeps walking theirs), and each subscriber's place in one: the version,
 * step, answers, consent, and the last update answered with its reply (a redelivered update is answered once).
 */
export class TelegramFunnels1765200000000 implements MigrationInterface {
  name = 'TelegramFunnels1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'telegram_funnels',
        columns: [
          { ...col.varchar('bot_id', 36), isPrimary: true },
          { ...col.int('version'), isPrimary: true },
          col.text('definition'),
          col.ms('created_at'),
          col.ms('published_at', true),
        ],
        foreignKeys: [botKey()],
      }),
    );
    await q.createTable(
      new Table({
        name: 'telegram_funnel_progress',
        columns: [
          { ...col.varchar('bot_id', 36), isPrimary: true },
          { ...col.ms('chat_id'), isPrimary: true },
          col.int('version'),
          col.varchar('step', 64, true),
          col.text('answers'),
          col.ms('consent_at', true),
          col.ms('last_update_id', true),
          col.text('last_reply', true),
          col.bool('delivered'),
          col.ms('updated_at'),
        ],
        indices: [new TableIndex({ columnNames: ['bot_id', 'version'] })],
        foreignKeys: [botKey()],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('telegram_funnel_progress');
    await q.dropTable('telegram_funnels');
  }
}
