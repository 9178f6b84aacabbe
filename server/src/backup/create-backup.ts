import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { openSnapshot, type SnapshotReader } from '../db/snapshot.js';
import { FILE_PREFIX, MANIFEST_FORMAT, MANIFEST_NAME, TABLE_PREFIX, type BackupManifest } from './manifest.js';
import { writeTarGz, type TarEntrySource } from './tar-gz.js';

export interface BackupOptions {
  db: DataSource;
  dataDir: string;
  /** The keys in use (they may come from the environment rather than DATA_DIR/secrets). */
  keys: { jwtSecret: Buffer; encryptionKey: Buffer };
  /** The archive to write; default DATA_DIR/backups/secretary-<time>.tar.gz. */
  out?: string;
  now?: Date;
}

export interface BackupResult {
  file: string;
  manifest: BackupManifest;
}

export const BACKUP_DIR = 'backups';
/**
 * Paths under DATA_DIR that are not files to archive: the SQLite file (exported logically), the backups, and the
 * privacy journal of erased contacts (a restore of an old archive must not replace the newer journal).
 */
const SKIPPED = /^(secretary\.db(-wal|-shm|-journal)?|backups|privacy|\.restore-.*)$/;

export function appVersion(): string {
  const file = new URL('../../package.json', import.meta.url);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

export const keyFingerprint = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 16);

/** Data files under DATA_DIR (recordings, Telegram audio, secrets), relative, sorted. */
export function dataFiles(dataDir: string, relative = ''): string[] {
  const dir = path.join(dataDir, relative);
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (relative === '' && SKIPPED.test(entry.name)) continue;
    if (entry.isDirectory()) out.push(...dataFiles(dataDir, rel));
    else if (entry.isFile() && !entry.name.endsWith('.partial')) out.push(rel);
  }
  return out.sort();
}

function bufferEntry(name: string, data: Buffer): TarEntrySource {
  return { name, size: data.length, open: () => Readable.from([data]) };
}

function fileEntry(name: string, file: string): TarEntrySource {
  const size = fs.statSync(file).size;
  return { name, size, open: () => fs.createReadStream(file, { start: 0, end: Math.max(0, size - 1) }) };
}

/** Writes one table as JSON lines into a staging file; answers its row count. */
async function stageTable(snapshot: SnapshotReader, table: string, file: string): Promise<number> {
  const out = fs.createWriteStream(file, { mode: 0o600 });
  let rows = 0;
  for await (const row of snapshot.read(table)) {
    rows++;
    if (!out.write(`${JSON.stringify(row)}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end(() => resolve()).on('error', reject));
  return rows;
}

function keyEntries(keys: BackupOptions['keys']): TarEntrySource[] {
  const encode = (key: Buffer) => Buffer.from(`${key.toString('base64')}\n`);
  return [
    bufferEntry(`${FILE_PREFIX}secrets/jwt.key`, encode(keys.jwtSecret)),
    bufferEntry(`${FILE_PREFIX}secrets/encryption.key`, encode(keys.encryptionKey)),
  ];
}

function defaultName(now: Date): string {
  return `secretary-${now.toISOString().replace(/[:.]/g, '-')}.tar.gz`;
}

/**
 * A consistent, portable backup while the server runs: every table exported as JSON lines inside ONE
 * read transaction, then the key material and the data files under DATA_DIR, then manifest.json.
 * Written to `<out>.partial` and renamed, so a listed archive is always complete.
 */
export async function createBackup(options: BackupOptions): Promise<BackupResult> {
  const now = options.now ?? new Date();
  const file = options.out ?? path.join(options.dataDir, BACKUP_DIR, defaultName(now));
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const staging = fs.mkdtempSync(path.join(path.dirname(file), '.staging-'));
  try {
    const snapshot = await openSnapshot(options.db);
    const tables: BackupManifest['tables'] = [];
    try {
      for (const table of snapshot.tables)
        tables.push({ name: table, rows: await stageTable(snapshot, table, path.join(staging, `${table}.jsonl`)) });
    } finally {
      await snapshot.close();
    }
    const manifest = baseManifest(options, snapshot.lastMigration, now, tables);
    await writeArchive(file, staging, options, manifest);
    return { file, manifest };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

function baseManifest(
  options: BackupOptions,
  lastMigration: string | null,
  now: Date,
  tables: BackupManifest['tables'],
): BackupManifest {
  return {
    format: MANIFEST_FORMAT,
    appVersion: appVersion(),
    database: options.db.options.type === 'postgres' ? 'postgres' : 'sqlite',
    lastMigration,
    createdAt: now.toISOString(),
    keyFingerprints: {
      jwt: keyFingerprint(options.keys.jwtSecret),
      encryption: keyFingerprint(options.keys.encryptionKey),
    },
    tables,
    files: [],
  };
}

async function writeArchive(file: string, staging: string, options: BackupOptions, manifest: BackupManifest) {
  const entries: TarEntrySource[] = manifest.tables.map((t) =>
    fileEntry(`${TABLE_PREFIX}${t.name}.jsonl`, path.join(staging, `${t.name}.jsonl`)),
  );
  entries.push(...keyEntries(options.keys));
  for (const rel of dataFiles(options.dataDir)) {
    if (rel === 'secrets/jwt.key' || rel === 'secrets/encryption.key') continue;
    entries.push(fileEntry(`${FILE_PREFIX}${rel}`, path.join(options.dataDir, rel)));
  }
  const sizes = new Map(entries.map((e) => [e.name, e.size]));
  async function* all(): AsyncIterable<TarEntrySource> {
    yield* entries;
    manifest.files = [...hashes].map(([p, sha256]) => ({ path: p, size: sizes.get(p)!, sha256 }));
    yield bufferEntry(MANIFEST_NAME, Buffer.from(JSON.stringify(manifest, null, 2)));
  }
  const partial = `${file}.partial`;
  const hashes = new Map<string, string>();
  await writeTarGz(partial, all(), Math.floor(Date.now() / 1000), hashes);
  fs.renameSync(partial, file);
}
