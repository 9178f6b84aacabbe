import { Table, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from './helpers.js';

/** Discord bots (token sealed) and the turns they answered (one per message, snowflakes as strings). */
export class Discord1764700000000 implements MigrationInterface {
  name = 'Discord1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'discord_bots',
        columns: [
          col.id(),
          col.varchar('name', 100),
          col.text('token_sealed'),
          col.varchar('token_hint', 32),
          col.varchar('discord_id', 24),
          col.varchar('username', 64),
          col.text('settings'),
          col.bool('auto_start'),
          col.varchar('desired', 16),
          col.ms('created_at'),
          col.ms('updated_at'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'discord_turns',
        columns: [
          col.id(),
          col.varchar('bot_id', 36),
          col.varchar('message_id', 24),
          col.varchar('channel_id', 24),
          col.varchar('guild_id', 24, true),
          col.varchar('user_id', 24),
          col.varchar('user_name', 256),
          col.text('text'),
          col.text('reply', true),
          col.varchar('reply_message_id', 24, true),
          col.varchar('status', 16),
          col.bool('delivered'),
          col.ms('created_at'),
          col.ms('updated_at'),
        ],
        indices: [
          new TableIndex({ columnNames: ['bot_id', 'message_id'], isUnique: true }),
          new TableIndex({ columnNames: ['bot_id', 'channel_id', 'created_at'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['bot_id'],
            referencedTableName: 'discord_bots',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('discord_turns');
    await q.dropTable('discord_bots');
  }
}
