import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * One multi-row INSERT with bound parameters, for append-only tables written in batches (usage
 * rows). Placeholders follow the driver: `$n` on PostgreSQL, `?` on SQLite; the table is the entity's
 * (schema-qualified where configured). Column names come from code, never from input.
 */
export async function insertRows(
  db: DataSource,
  entity: EntityTarget<ObjectLiteral>,
  columns: string[],
  rows: unknown[][],
): Promise<void> {
  if (rows.length === 0) return;
  const postgres = db.options.type === 'postgres';
  let n = 0;
  const placeholder = () => (postgres ? `$${++n}` : '?');
  const tuple = () => `(${columns.map(placeholder).join(', ')})`;
  const values = rows.map(tuple).join(', ');
  const quote = (name: string) => db.driver.escape(name);
  const table = db.getMetadata(entity).tablePath.split('.').map(quote).join('.');
  const names = columns.map(quote).join(', ');
  await db.query(`INSERT INTO ${table} (${names}) VALUES ${values}`, rows.flat());
}
