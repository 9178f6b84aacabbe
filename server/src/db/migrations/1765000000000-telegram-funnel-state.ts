import { Table, TableColumn, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from './helpers.js';

/**
 * Where a subscriber stands in the bot's sales funnel: the segment their answers put them in, the step they are on,
 * and when they last did anything (follow-ups and broadcasts select on these); and the events of the funnel's analytics.
 */
export class TelegramFunnelState1765000000000 implements MigrationInterface {
  name = 'TelegramFunnelState1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('telegram_subscribers', [
      new TableColumn(col.varchar('segment', 32, true)),
      new TableColumn(col.varchar('funnel_step', 64, true)),
      new TableColumn(col.ms('last_activity_at', true)),
    ]);
    await q.createIndex('telegram_subscribers', new TableIndex({ columnNames: ['bot_id', 'segment'] }));
    await q.createTable(
      new Table({
        name: 'telegram_events',
        columns: [
          col.serial(),
          col.varchar('bot_id', 36),
          col.ms('chat_id'),
          col.varchar('type', 32),
          col.varchar('step', 64, true),
          col.varchar('segment', 32, true),
          col.varchar('source', 64, true),
          col.varchar('variant', 16, true),
          col.text('data', true),
          col.varchar('dedupe_key', 128, true),
          col.ms('at'),
        ],
        indices: [
          new TableIndex({ columnNames: ['bot_id', 'at'] }),
          new TableIndex({ columnNames: ['bot_id', 'dedupe_key'], isUnique: true }),
        ],
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
    await q.dropTable('telegram_events');
    const table = await q.getTable('telegram_subscribers');
    const index = table?.indices.find((i) => i.columnNames.join() === 'bot_id,segment');
    if (index) await q.dropIndex('telegram_subscribers', index);
    await q.dropColumns('telegram_subscribers', ['last_activity_at', 'funnel_step', 'segment']);
  }
}
