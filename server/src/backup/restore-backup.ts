import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { DataSource } from 'typeorm';
import { inspectTarget, replaceAllRows, type RestoreTarget } from '../db/snapshot.js';
import { BackupInvalidError, RestoreTargetNotEmptyError } from '../errors.js';
import { FILE_PREFIX, MANIFEST_FORMAT, MANIFEST_NAME, TABLE_PREFIX, type BackupManifest } from './manifest.js';
import { readTarGz } from './tar-gz.js';

export interface RestoreOptions {
  /** The target, opened (its migrations applied) with the server's settings. */
  db: DataSource;
  dataDir: string;
  file: string;
  /** Replace an existing install. */
  force?: boolean;
}

export interface RestoreResult {
  manifest: BackupManifest;
  files: number;
}

function safeName(name: string): string {
  const normal = path.posix.normalize(name);
  if (normal.startsWith('..') || path.posix.isAbsolute(normal) || normal !== name)
    throw new BackupInvalidError('BACKUP_INVALID', `the archive holds an unsafe path: ${JSON.stringify(name)}`);
  return normal;
}

/** Unpacks every entry into `dir`, answering each entry's SHA-256; any damage is BACKUP_INVALID. */
async function unpack(file: string, dir: string): Promise<Map<string, string>> {
  try {
    return await readTarGz(file, {
      open(name) {
        const target = path.join(dir, safeName(name));
        fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
        return fs.createWriteStream(target, { mode: 0o600 });
      },
    });
  } catch (error) {
    if (error instanceof BackupInvalidError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new BackupInvalidError('BACKUP_INVALID', `the archive is corrupted or truncated (${reason})`, error);
  }
}

function readManifest(dir: string): BackupManifest {
  const file = path.join(dir, MANIFEST_NAME);
  if (!fs.existsSync(file)) throw new BackupInvalidError('BACKUP_INVALID', 'the archive has no manifest.json');
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as BackupManifest;
  } catch (error) {
    throw new BackupInvalidError('BACKUP_INVALID', 'the archive has an unreadable manifest.json', error);
  }
  if (manifest.format !== MANIFEST_FORMAT)
    throw new BackupInvalidError('BACKUP_INVALID', `unknown archive format ${String(manifest.format)}`);
  return manifest;
}

/** Every entry is listed with the right SHA-256, and nothing unlisted is present. */
function checkFiles(manifest: BackupManifest, hashes: Map<string, string>): void {
  const listed = new Set(manifest.files.map((f) => f.path));
  for (const entry of manifest.files) {
    if (hashes.get(entry.path) !== entry.sha256)
      throw new BackupInvalidError('BACKUP_INVALID', `checksum mismatch or missing entry: ${entry.path}`);
  }
  for (const name of hashes.keys()) {
    if (name !== MANIFEST_NAME && !listed.has(name))
      throw new BackupInvalidError('BACKUP_INVALID', `entry not in the manifest: ${name}`);
  }
}

function checkSchema(db: DataSource, manifest: BackupManifest): void {
  const known = db.migrations.map((m) => m.name ?? m.constructor.name);
  if (manifest.lastMigration !== null && !known.includes(manifest.lastMigration))
    throw new BackupInvalidError(
      'BACKUP_SCHEMA_NEWER',
      `the archive's schema (migration ${manifest.lastMigration}) is newer than this code; upgrade the server first`,
    );
}

/** Why the target counts as an existing install, or null when it is empty. */
async function existingInstall(target: RestoreTarget, manifest: BackupManifest, dataDir: string) {
  if ((await target.rowCount('users')) > 0) return 'it already has users';
  for (const [name, fingerprint] of Object.entries(manifest.keyFingerprints)) {
    const known = await target.meta(`${name}_key_fingerprint`);
    if (known !== null && known !== fingerprint) return `its ${name} key differs from the archive's`;
  }
  for (const table of target.tables) if ((await target.rowCount(table)) > 0) return `its table ${table} has rows`;
  for (const key of ['jwt.key', 'encryption.key'])
    if (fs.existsSync(path.join(dataDir, 'secrets', key))) return `DATA_DIR/secrets/${key} exists`;
  return null;
}

async function* jsonLines(file: string): AsyncIterable<Record<string, unknown>> {
  if (!fs.existsSync(file)) return;
  const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) if (line !== '') yield JSON.parse(line) as Record<string, unknown>;
}

/** Moves the unpacked files into DATA_DIR (each a rename on the same file system). */
function placeFiles(staging: string, dataDir: string, manifest: BackupManifest): number {
  let count = 0;
  for (const entry of manifest.files) {
    if (!entry.path.startsWith(FILE_PREFIX)) continue;
    const target = path.join(dataDir, entry.path.slice(FILE_PREFIX.length));
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
    fs.renameSync(path.join(staging, entry.path), target);
    count++;
  }
  return count;
}

/**
 * Validates the whole archive first (every checksum, the manifest, the schema), refuses an existing
 * install unless `force`, then replaces every row in one transaction and only after its commit moves
 * the files (already unpacked inside DATA_DIR) into place. A failure before that leaves the target as it was.
 */
export async function restoreBackup(options: RestoreOptions): Promise<RestoreResult> {
  fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const staging = path.join(options.dataDir, `.restore-${randomBytes(4).toString('hex')}`);
  fs.mkdirSync(staging, { mode: 0o700 });
  try {
    const hashes = await unpack(options.file, staging);
    const manifest = readManifest(staging);
    checkFiles(manifest, hashes);
    checkSchema(options.db, manifest);
    const target = await inspectTarget(options.db);
    const reason = await existingInstall(target, manifest, options.dataDir);
    if (reason !== null && options.force !== true)
      throw new RestoreTargetNotEmptyError(
        `the target already holds an install (${reason}); use --force to replace it`,
      );
    const rowsOf = (table: string) => jsonLines(path.join(staging, `${TABLE_PREFIX}${table}.jsonl`));
    await replaceAllRows(options.db, rowsOf, target.tables);
    return { manifest, files: placeFiles(staging, options.dataDir, manifest) };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
