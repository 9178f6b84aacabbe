import { createRequire } from 'node:module';
import path from 'node:path';
import type { DataSource, QueryRunner } from 'typeorm';

/** A logical export: each table's rows as plain JSON values (booleans, numbers, strings, null). */
export interface SnapshotReader {
  tables: string[];
  lastMigration: string | null;
  read(table: string): AsyncIterable<Record<string, unknown>>;
  close(): Promise<void>;
}

interface TableInfo {
  name: string;
  /** Schema-qualified, quoted. */
  sql: string;
  booleans: Set<string>;
  bigints: Set<string>;
  serial: string | null;
  keys: string[];
  columns: Set<string>;
}

const PAGE_ROWS = 1000;

function quote(db: DataSource, name: string): string {
  return db.driver.escape(name);
}

/** Every table the entities map, parents before children (foreign keys), in the order the entities list them. */
async function tableInfos(db: DataSource): Promise<TableInfo[]> {
  const infos = db.entityMetadatas.map((meta) => ({
    name: meta.tableName,
    sql: meta.tablePath
      .split('.')
      .map((p) => quote(db, p))
      .join('.'),
    booleans: new Set(meta.columns.filter((c) => c.type === 'boolean').map((c) => c.databaseName)),
    bigints: new Set(meta.columns.filter((c) => c.type === 'bigint').map((c) => c.databaseName)),
    serial: meta.columns.find((c) => c.generationStrategy === 'increment')?.databaseName ?? null,
    keys: meta.primaryColumns.map((c) => c.databaseName),
    columns: new Set(meta.columns.map((c) => c.databaseName)),
    path: meta.tablePath,
  }));
  return sortParentsFirst(infos, await foreignKeyParents(db, infos));
}

/**
 * Each table's parent tables, read from the database catalogue. Not `QueryRunner.getTables()`: on PostgreSQL it
 * looks up generated columns (the knowledge base's `search` tsvector) in a `typeorm_metadata` table that
 * migrations written in SQL never create, and fails.
 */
async function foreignKeyParents(db: DataSource, infos: TableInfo[]): Promise<Map<string, string[]>> {
  const parents = new Map<string, string[]>();
  const add = (child: string, parent: string) => parents.set(child, [...(parents.get(child) ?? []), parent]);
  if (db.options.type === 'postgres') {
    const rows = await db.query<Array<{ child: string; parent: string }>>(
      `SELECT tc.table_name AS child, ccu.table_name AS parent FROM information_schema.table_constraints tc
         JOIN information_schema.constraint_column_usage ccu
           ON tc.constraint_name = ccu.constraint_name AND tc.table_schema = ccu.table_schema
        WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = COALESCE($1, current_schema())`,
      [(db.options as { schema?: string }).schema ?? null],
    );
    for (const row of rows) add(row.child, row.parent);
    return parents;
  }
  for (const info of infos) {
    const rows = await db.query<Array<{ table: string }>>(`PRAGMA foreign_key_list(${quote(db, info.name)})`);
    for (const row of rows) add(info.name, row.table);
  }
  return parents;
}

/** Only the columns the entity maps: a generated column (PostgreSQL's `search` tsvector) is rebuilt, not restored. */
function entityColumns(info: TableInfo, row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([column]) => info.columns.has(column)));
}

function sortParentsFirst<T extends { name: string }>(items: T[], parents: Map<string, string[]>): T[] {
  const done = new Set<string>();
  const out: T[] = [];
  const visit = (item: T, seen: Set<string>) => {
    if (done.has(item.name) || seen.has(item.name)) return;
    seen.add(item.name);
    for (const parent of parents.get(item.name) ?? []) {
      const p = items.find((i) => i.name === parent);
      if (p !== undefined) visit(p, seen);
    }
    done.add(item.name);
    out.push(item);
  };
  for (const item of items) visit(item, new Set());
  return out;
}

function toJson(info: TableInfo, row: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(row)) {
    if (value === null) continue;
    if (info.booleans.has(key)) row[key] = value === true || value === 1 || value === '1';
    else if (info.bigints.has(key)) row[key] = Number(value);
    else if (Buffer.isBuffer(value)) row[key] = { $base64: value.toString('base64') };
  }
  return row;
}

async function lastMigration(query: (sql: string) => Promise<Array<{ name: string }>>, table: string) {
  const rows = await query(`SELECT name FROM ${table} ORDER BY timestamp DESC, id DESC LIMIT 1`);
  return rows[0]?.name ?? null;
}

function migrationsTable(db: DataSource): string {
  const schema = db.options.type === 'postgres' ? db.options.schema : undefined;
  return [schema, 'migrations']
    .filter((p): p is string => p !== undefined)
    .map((p) => quote(db, p))
    .join('.');
}

/**
 * Opens ONE read transaction that every `read()` sees: on SQLite a second, read-only connection to the
 * same file (WAL: a `BEGIN` then the first SELECT pins one snapshot while the server writes through its
 * own connection); on PostgreSQL a dedicated connection in `REPEATABLE READ READ ONLY`.
 */
export async function openSnapshot(db: DataSource): Promise<SnapshotReader> {
  const infos = await tableInfos(db);
  const byName = new Map(infos.map((i) => [i.name, i]));
  const query = db.options.type === 'postgres' ? await postgresReader(db) : sqliteReader(db);
  const last = await lastMigration((sql) => query.run(sql) as Promise<Array<{ name: string }>>, migrationsTable(db));
  return {
    tables: infos.map((i) => i.name),
    lastMigration: last,
    async *read(table) {
      const info = byName.get(table)!;
      const order = info.keys.map((k) => quote(db, k)).join(', ');
      for (let offset = 0; ; offset += PAGE_ROWS) {
        const rows = await query.run(`SELECT * FROM ${info.sql} ORDER BY ${order} LIMIT ${PAGE_ROWS} OFFSET ${offset}`);
        for (const row of rows) yield toJson(info, entityColumns(info, row));
        if (rows.length < PAGE_ROWS) return;
      }
    },
    close: query.close,
  };
}

interface Reader {
  run: (sql: string) => Promise<Array<Record<string, unknown>>>;
  close: () => Promise<void>;
}

/** The part of better-sqlite3 (TypeORM's own SQLite driver, untyped here) the snapshot uses. */
interface SqliteConnection {
  pragma(sql: string): unknown;
  exec(sql: string): void;
  prepare(sql: string): { get(): unknown; all(): unknown[] };
  close(): void;
}
type SqliteConstructor = new (file: string, options: { readonly: boolean; fileMustExist: boolean }) => SqliteConnection;

function sqliteReader(db: DataSource): Reader {
  const file = (db.options as { database: string }).database;
  const Database = createRequire(import.meta.url)('better-sqlite3') as SqliteConstructor;
  const conn = new Database(path.resolve(file), { readonly: true, fileMustExist: true });
  conn.pragma('busy_timeout = 5000');
  conn.exec('BEGIN');
  conn.prepare('SELECT count(*) FROM sqlite_master').get(); // pins the snapshot now
  return {
    run: async (sql) => conn.prepare(sql).all() as Array<Record<string, unknown>>,
    close: async () => {
      conn.exec('COMMIT');
      conn.close();
    },
  };
}

async function postgresReader(db: DataSource): Promise<Reader> {
  const runner: QueryRunner = db.createQueryRunner();
  await runner.connect();
  await runner.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  await runner.query('SELECT 1');
  return {
    run: (sql) => runner.query(sql) as Promise<Array<Record<string, unknown>>>,
    close: async () => {
      await runner.query('COMMIT');
      await runner.release();
    },
  };
}

export interface RestoreTarget {
  tables: string[];
  /** Users present or system_meta rows present: an existing install. */
  rowCount(table: string): Promise<number>;
  meta(key: string): Promise<string | null>;
}

/** What a restore needs to know about the target before writing. */
export async function inspectTarget(db: DataSource): Promise<RestoreTarget> {
  const infos = await tableInfos(db);
  const byName = new Map(infos.map((i) => [i.name, i]));
  return {
    tables: infos.map((i) => i.name),
    rowCount: async (table) => {
      const rows = await db.query<Array<{ n: unknown }>>(`SELECT count(*) AS n FROM ${byName.get(table)!.sql}`);
      return Number(rows[0]!.n);
    },
    meta: async (key) => {
      const sql = `SELECT value FROM ${byName.get('system_meta')!.sql} WHERE ${quote(db, 'key')} = ${db.options.type === 'postgres' ? '$1' : '?'}`;
      const rows = await db.query<Array<{ value: string }>>(sql, [key]);
      return rows[0]?.value ?? null;
    },
  };
}

const MAX_PARAMS = 900;

function fromJson(db: DataSource, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && '$base64' in value)
    return Buffer.from(String((value as { $base64: string }).$base64), 'base64');
  if (typeof value === 'boolean' && db.options.type !== 'postgres') return value ? 1 : 0;
  return value;
}

async function insertBatch(db: DataSource, runner: QueryRunner, info: TableInfo, rows: Array<Record<string, unknown>>) {
  const columns = Object.keys(rows[0]!);
  const postgres = db.options.type === 'postgres';
  let n = 0;
  const tuple = () => `(${columns.map(() => (postgres ? `$${++n}` : '?')).join(', ')})`;
  const sql = `INSERT INTO ${info.sql} (${columns.map((c) => quote(db, c)).join(', ')}) VALUES ${rows.map(tuple).join(', ')}`;
  await runner.query(
    sql,
    rows.flatMap((row) => columns.map((c) => fromJson(db, row[c] ?? null))),
  );
}

/**
 * Replaces every table's rows with the archive's in ONE transaction: children emptied first, parents
 * filled first; PostgreSQL sequences are moved past the restored ids. A failure rolls everything back.
 */
export async function replaceAllRows(
  db: DataSource,
  rowsOf: (table: string) => AsyncIterable<Record<string, unknown>>,
  tables: string[],
): Promise<void> {
  const infos = (await tableInfos(db)).filter((i) => tables.includes(i.name));
  const runner = db.createQueryRunner();
  await runner.connect();
  await runner.startTransaction();
  try {
    for (const info of [...infos].reverse()) await runner.query(`DELETE FROM ${info.sql}`);
    for (const info of infos) await fillTable(db, runner, info, rowsOf(info.name));
    if (db.options.type === 'postgres') for (const info of infos) await fixSequence(db, runner, info);
    await runner.commitTransaction();
  } catch (error) {
    await runner.rollbackTransaction();
    throw error;
  } finally {
    await runner.release();
  }
}

async function fillTable(
  db: DataSource,
  runner: QueryRunner,
  info: TableInfo,
  rows: AsyncIterable<Record<string, unknown>>,
) {
  let batch: Array<Record<string, unknown>> = [];
  for await (const row of rows) {
    batch.push(row);
    if (batch.length * Object.keys(row).length >= MAX_PARAMS) {
      await insertBatch(db, runner, info, batch);
      batch = [];
    }
  }
  if (batch.length > 0) await insertBatch(db, runner, info, batch);
}

async function fixSequence(db: DataSource, runner: QueryRunner, info: TableInfo) {
  if (info.serial === null) return;
  const column = quote(db, info.serial);
  const regclass = info.sql.replace(/'/g, "''");
  await runner.query(
    `SELECT setval(pg_get_serial_sequence('${regclass}', '${info.serial}'), COALESCE(MAX(${column}), 1), MAX(${column}) IS NOT NULL) FROM ${info.sql}`,
  );
}
