import { Table, TableColumn, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from './helpers.js';

/**
 * Discord: the slash command interactions the orchestrator took (each answered once, across restarts), and
 * per channel what a new turn does while the previous one is being answered (queue or cancel).
 */
export class DiscordSessions1765700000000 implements MigrationInterface {
  name = 'DiscordSessions1765700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'discord_interactions',
        columns: [
          col.id(),
          col.varchar('bot_id', 36),
          col.varchar('interaction_id', 24),
          col.varchar('name', 32),
          col.ms('created_at'),
        ],
        indices: [
          new TableIndex({ columnNames: ['bot_id', 'interaction_id'], isUnique: true }),
          new TableIndex({ columnNames: ['created_at'] }),
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
    await q.addColumn('discord_channel_choices', new TableColumn(col.varchar('while_answering', 8, true)));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('discord_channel_choices', 'while_answering');
    await q.dropTable('discord_interactions');
  }
}
