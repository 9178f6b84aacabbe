import path from 'node:path';
import 'reflect-metadata';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ensurePrivateDir, touchPrivateFile } from '../core/private-files.js';
import { ENTITIES } from './entities/index.js';
import { MIGRATIONS } from './migrations/index.js';

export interface DatabaseOptions {
  /** postgres://… or undefined for SQLite. */
  url: string | undefined;
  /** PostgreSQL schema (tests use one per app); default "public". */
  schema?: string | undefined;
  /** Directory holding the SQLite file. */
  dataDir: string;
}

export type DatabaseKind = 'sqlite' | 'postgres';

export function databaseKind(options: DatabaseOptions): DatabaseKind {
  return options.url === undefined ? 'sqlite' : 'postgres';
}

function dataSourceOptions(options: DatabaseOptions): DataSourceOptions {
  const common = { entities: ENTITIES, migrations: MIGRATIONS, synchronize: false, logging: false } as const;
  if (options.url === undefined) {
    const database = path.join(options.dataDir, 'secretary.db');
    ensurePrivateDir(options.dataDir);
    touchPrivateFile(database); // SQLite gives the -wal and -shm files the database file's mode
    return {
      ...common,
      type: 'better-sqlite3',
      database,
      enableWAL: true,
      prepareDatabase: (db: { pragma(sql: string): unknown }) => {
        db.pragma('foreign_keys = ON');
        db.pragma('busy_timeout = 5000');
        db.pragma('synchronous = NORMAL');
      },
    };
  }
  return { ...common, type: 'postgres', url: options.url, schema: options.schema, poolSize: 10 };
}

/** Opens the database and applies every pending committed migration. */
export async function openDatabase(options: DatabaseOptions): Promise<DataSource> {
  if (options.url !== undefined && options.schema !== undefined) await ensureSchema(options.url, options.schema);
  const dataSource = new DataSource(dataSourceOptions(options));
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}

async function ensureSchema(url: string, schema: string): Promise<void> {
  const bootstrap = new DataSource({ type: 'postgres', url });
  await bootstrap.initialize();
  try {
    await bootstrap.query(`CREATE SCHEMA IF NOT EXISTS "${schema.replace(/"/g, '')}"`);
  } finally {
    await bootstrap.destroy();
  }
}

export async function pingDatabase(dataSource: DataSource): Promise<boolean> {
  try {
    await dataSource.query('SELECT 1');
    return true;
  } catch {
    return false;
  }
}
