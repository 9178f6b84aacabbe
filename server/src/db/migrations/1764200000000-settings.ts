import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from './helpers.js';

/** Business settings (admin panel Settings page): one row. */
export class Settings1764200000000 implements MigrationInterface {
  name = 'Settings1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'business_settings',
        columns: [
          { name: 'id', type: 'varchar', length: '16', isPrimary: true },
          col.varchar('business_name', 128),
          col.varchar('timezone', 64),
          col.text('business_hours', true),
          col.text('greeting'),
          col.varchar('default_language', 8),
          col.ms('updated_at'),
          col.varchar('updated_by', 36, true),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('business_settings');
  }
}
