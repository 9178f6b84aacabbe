import type { QueryRunner, TableColumnOptions } from 'typeorm';

/** Column shorthands that mean the same thing on SQLite and PostgreSQL. */
export const col = {
  id: (name = 'id'): TableColumnOptions => ({ name, type: 'varchar', length: '36', isPrimary: true }),
  serial: (name = 'id'): TableColumnOptions => ({
    name,
    type: 'integer',
    isPrimary: true,
    isGenerated: true,
    generationStrategy: 'increment',
  }),
  varchar: (name: string, length: number, nullable = false): TableColumnOptions => ({
    name,
    type: 'varchar',
    length: String(length),
    isNullable: nullable,
  }),
  text: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'text', isNullable: nullable }),
  int: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'integer', isNullable: nullable }),
  bool: (name: string): TableColumnOptions => ({ name, type: 'boolean', isNullable: false, default: false }),
  ms: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable: nullable }),
};

/** The table name as this connection's raw SQL must write it (PostgreSQL tests use a schema per app). */
export function qualified(q: QueryRunner, table: string): string {
  const schema = q.connection.options.type === 'postgres' ? q.connection.options.schema : undefined;
  return schema ? `"${schema.replace(/"/g, '')}"."${table}"` : `"${table}"`;
}
