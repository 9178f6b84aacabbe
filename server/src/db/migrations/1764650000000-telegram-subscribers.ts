import { Table, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from './helpers.js';

/** Everyone who pressed /start with a bot: language, source (deep link), whether they unsubscribed or blocked it. */
export class TelegramSubscribers1764650000000 implements MigrationInterface {
  name = 'TelegramSubscribers1764650000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'telegram_subscribers',
        columns: [
          { ...col.varchar('bot_id', 36), isPrimary: true },
          { ...col.ms('chat_id'), isPrimary: true },
          col.ms('user_id', true),
          col.varchar('user_name', 256, true),
          col.varchar('language', 16, true),
          col.varchar('source', 64, true),
          col.varchar('status', 16),
          col.ms('subscribed_at'),
          col.ms('updated_at'),
        ],
        indices: [new TableIndex({ columnNames: ['bot_id', 'status'] })],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['bot_id'],
            referencedTableName: 'telegram_bots',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('telegram_subscribers');
  }
}
