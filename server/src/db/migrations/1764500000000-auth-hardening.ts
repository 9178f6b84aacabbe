import { Table, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from './helpers.js';

/**
 * Failed-login counters (per address, and per username and address) kept in the database, so a
 * restart does not forget them and `npm run manage -- set-password` can clear them; and the refresh
 * tokens a session already rotated away, so presenting one again revokes the session.
 */
export class AuthHardening1764500000000 implements MigrationInterface {
  name = 'AuthHardening1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'login_failures',
        columns: [
          { ...col.varchar('ip', 64), isPrimary: true },
          // '' counts every username tried from the address
          { ...col.varchar('username', 64), isPrimary: true },
          col.int('failures'),
          col.ms('last_failure_at'),
        ],
        indices: [new TableIndex({ columnNames: ['username'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'retired_refresh_tokens',
        columns: [
          { ...col.varchar('refresh_hash', 64), isPrimary: true },
          col.varchar('session_id', 36),
          col.ms('retired_at'),
        ],
        indices: [new TableIndex({ columnNames: ['session_id'] })],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['session_id'],
            referencedTableName: 'sessions',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('retired_refresh_tokens');
    await q.dropTable('login_failures');
  }
}
