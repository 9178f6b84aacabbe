import { Table, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from './helpers.js';

export class Initial1763700000000 implements MigrationInterface {
  name = 'Initial1763700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'users',
        columns: [
          col.id(),
          { ...col.varchar('username', 64), isUnique: true },
          col.varchar('display_name', 128),
          col.varchar('role', 16),
          col.varchar('password_hash', 255),
          col.bool('disabled'),
          col.ms('created_at'),
          col.ms('updated_at'),
          col.ms('last_login_at', true),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'sessions',
        columns: [
          col.id(),
          col.varchar('user_id', 36),
          { ...col.varchar('refresh_hash', 64), isUnique: true },
          col.ms('created_at'),
          col.ms('last_used_at'),
          col.ms('expires_at'),
          col.ms('revoked_at', true),
          col.varchar('ip', 64, true),
          col.varchar('user_agent', 256, true),
        ],
        indices: [new TableIndex({ columnNames: ['user_id'] })],
        foreignKeys: [userFk('user_id')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'api_keys',
        columns: [
          col.id(),
          col.varchar('name', 100),
          { ...col.varchar('prefix', 32), isUnique: true },
          { ...col.varchar('key_hash', 64), isUnique: true },
          col.varchar('owner_id', 36),
          col.int('rate_limit_per_minute', true),
          col.ms('created_at'),
          col.ms('last_used_at', true),
          col.ms('revoked_at', true),
          col.varchar('created_by', 36, true),
        ],
        foreignKeys: [userFk('owner_id')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'audit_log',
        columns: [
          col.serial(),
          col.ms('at'),
          col.varchar('actor_id', 36, true),
          col.varchar('actor_name', 64, true),
          col.varchar('action', 128),
          col.varchar('target', 256, true),
          col.varchar('ip', 64, true),
          col.int('status_code', true),
          col.text('details', true),
        ],
        indices: [new TableIndex({ columnNames: ['at'] }), new TableIndex({ columnNames: ['actor_id'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'system_meta',
        columns: [{ ...col.varchar('key', 64), isPrimary: true }, col.text('value')],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['system_meta', 'audit_log', 'api_keys', 'sessions', 'users']) {
      await q.dropTable(table);
    }
  }
}

function userFk(column: string): TableForeignKey {
  return new TableForeignKey({
    columnNames: [column],
    referencedTableName: 'users',
    referencedColumnNames: ['id'],
    onDelete: 'CASCADE',
  });
}
