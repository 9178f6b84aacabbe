import { Table, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from './helpers.js';

const cascadeToBot = () =>
  new TableForeignKey({
    columnNames: ['bot_id'],
    referencedTableName: 'telegram_bots',
    referencedColumnNames: ['id'],
    onDelete: 'CASCADE',
  });

/** Telegram bots (token sealed), the turns they answered (one per update), and webhook updates not yet handled. */
export class Telegram1764600000000 implements MigrationInterface {
  name = 'Telegram1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'telegram_bots',
        columns: [
          col.id(),
          col.varchar('name', 100),
          col.text('token_sealed'),
          col.varchar('token_hint', 32),
          col.ms('telegram_id'),
          col.varchar('username', 64),
          col.text('settings'),
          col.bool('auto_start'),
          col.varchar('desired', 16),
          col.text('webhook_secret_sealed', true),
          col.ms('created_at'),
          col.ms('updated_at'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'telegram_turns',
        columns: [
          col.id(),
          col.varchar('bot_id', 36),
          col.ms('update_id'),
          col.ms('chat_id'),
          col.ms('user_id', true),
          col.varchar('user_name', 256, true),
          col.varchar('kind', 16),
          col.text('text'),
          col.text('reply', true),
          col.bool('reply_voice'),
          col.varchar('status', 16),
          col.bool('delivered'),
          col.varchar('audio_path', 500, true),
          col.ms('created_at'),
          col.ms('updated_at'),
        ],
        indices: [
          new TableIndex({ columnNames: ['bot_id', 'update_id'], isUnique: true }),
          new TableIndex({ columnNames: ['bot_id', 'chat_id', 'created_at'] }),
        ],
        foreignKeys: [cascadeToBot()],
      }),
    );
    await q.createTable(
      new Table({
        name: 'telegram_inbox',
        columns: [
          { ...col.varchar('bot_id', 36), isPrimary: true },
          { ...col.ms('update_id'), isPrimary: true },
          col.text('payload'),
          col.ms('received_at'),
          col.ms('done_at', true),
        ],
        foreignKeys: [cascadeToBot()],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('telegram_inbox');
    await q.dropTable('telegram_turns');
    await q.dropTable('telegram_bots');
  }
}
