import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from './helpers.js';

/** `gsm_sms.auto_reply`: on received SMS the auto-reply outcome, on sent ones `reply` (counted by the limits). */
export class GsmSmsAutoReply1764300000000 implements MigrationInterface {
  name = 'GsmSmsAutoReply1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('gsm_sms', new TableColumn(col.varchar('auto_reply', 32, true)));
    await q.createIndex(
      'gsm_sms',
      new TableIndex({ name: 'idx_gsm_sms_auto_reply', columnNames: ['auto_reply', 'created_at'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('gsm_sms', 'idx_gsm_sms_auto_reply');
    await q.dropColumn('gsm_sms', 'auto_reply');
  }
}
