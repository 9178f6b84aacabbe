import fs from 'node:fs';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { NotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import { BACKUP_DIR, createBackup, type BackupResult } from './create-backup.js';

export interface BackupListEntry {
  name: string;
  size: number;
  createdAt: string;
}

export interface BackupService {
  create(): Promise<BackupResult & { name: string; size: number }>;
  list(): BackupListEntry[];
  /** The archive's absolute path; NotFoundError when there is none by that name. */
  file(name: string): string;
  /** Deletes the oldest archives beyond `keep`; answers the names deleted. */
  prune(keep: number): string[];
}

const NAME = /^secretary-[0-9A-Za-z-]+\.tar\.gz$/;

export function createBackupService(deps: {
  db: DataSource;
  dataDir: string;
  keys: { jwtSecret: Buffer; encryptionKey: Buffer };
  logger: Logger;
}): BackupService {
  const dir = path.join(deps.dataDir, BACKUP_DIR);
  const list = (): BackupListEntry[] => {
    if (!fs.existsSync(dir)) return [];
    return fs
      .readdirSync(dir)
      .filter((name) => NAME.test(name))
      .map((name) => {
        const stat = fs.statSync(path.join(dir, name));
        return { name, size: stat.size, createdAt: stat.mtime.toISOString() };
      })
      .sort((a, b) => b.name.localeCompare(a.name));
  };
  return {
    async create() {
      const result = await createBackup({ db: deps.db, dataDir: deps.dataDir, keys: deps.keys });
      const name = path.basename(result.file);
      const size = fs.statSync(result.file).size;
      deps.logger.info({ backup: name, sizeBytes: size, tables: result.manifest.tables.length }, 'backup written');
      return { ...result, name, size };
    },
    list,
    file(name) {
      const file = path.join(dir, name);
      if (!NAME.test(name) || !fs.existsSync(file)) throw new NotFoundError(`Backup ${name}`);
      return file;
    },
    prune(keep) {
      const old = list().slice(keep);
      for (const entry of old) fs.rmSync(path.join(dir, entry.name), { force: true });
      if (old.length > 0) deps.logger.info({ deleted: old.map((e) => e.name), keep }, 'old backups deleted');
      return old.map((e) => e.name);
    },
  };
}
