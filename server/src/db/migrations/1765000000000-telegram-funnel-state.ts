import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from './helpers.js';

/**
 * Where a subscriber stands in the bot's sales funnel: the segment their answers put them in, the step they are on,
 * and when they last did anything (follow-ups and broadcasts select on these).
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
  }

  async down(q: QueryRunner): Promise<void> {
    const table = await q.getTable('telegram_subscribers');
    const index = table?.indices.find((i) => i.columnNames.join() === 'bot_id,segment');
    if (index) await q.dropIndex('telegram_subscribers', index);
    await q.dropColumns('telegram_subscribers', ['last_activity_at', 'funnel_step', 'segment']);
  }
}
