import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from './helpers.js';

/** Owner commands waiting for (or done after) the owner's confirmation, and the tool calls of Discord turns. */
export class OwnerCommands1764800000000 implements MigrationInterface {
  name = 'OwnerCommands1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'owner_commands',
        columns: [
          col.id(),
          col.varchar('channel', 16),
          col.varchar('bot_id', 36),
          col.varchar('chat_id', 32),
          col.varchar('actor_id', 32),
          col.varchar('actor_name', 256),
          col.text('command'),
          col.varchar('status', 16),
          col.text('result', true),
          col.ms('created_at'),
          col.ms('updated_at'),
          col.ms('expires_at'),
        ],
        indices: [new TableIndex({ columnNames: ['channel', 'bot_id', 'created_at'] })],
      }),
    );
    await q.addColumn('discord_turns', new TableColumn(col.text('tool_calls', true)));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('discord_turns', 'tool_calls');
    await q.dropTable('owner_commands');
  }
}
