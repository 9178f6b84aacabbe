import { Table, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from './helpers.js';

const botKey = () =>
  new TableForeignKey({
    columnNames: ['bot_id'],
    referencedTableName: 'discord_bots',
    referencedColumnNames: ['id'],
    onDelete: 'CASCADE',
  });

/** The servers each Discord bot is in (with the admin's per-server settings) and per-channel `/model`, `/persona`. */
export class DiscordGuilds1764900000000 implements MigrationInterface {
  name = 'DiscordGuilds1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'discord_guilds',
        columns: [
          col.id(),
          col.varchar('bot_id', 36),
          col.varchar('guild_id', 24),
          col.varchar('name', 100),
          col.text('text_channels'),
          col.bool('present'),
          col.text('settings'),
          col.text('limit_ids'),
          col.ms('created_at'),
          col.ms('updated_at'),
        ],
        indices: [new TableIndex({ columnNames: ['bot_id', 'guild_id'], isUnique: true })],
        foreignKeys: [botKey()],
      }),
    );
    await q.createTable(
      new Table({
        name: 'discord_channel_choices',
        columns: [
          col.id(),
          col.varchar('bot_id', 36),
          col.varchar('channel_id', 24),
          col.varchar('route', 64, true),
          col.text('persona', true),
          col.ms('updated_at'),
        ],
        indices: [new TableIndex({ columnNames: ['bot_id', 'channel_id'], isUnique: true })],
        foreignKeys: [botKey()],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('discord_channel_choices');
    await q.dropTable('discord_guilds');
  }
}
