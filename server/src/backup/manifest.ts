/** `manifest.json`, the last entry of every archive (it lists the SHA-256 of every entry before it). */
export interface BackupManifest {
  format: 1;
  appVersion: string;
  database: 'sqlite' | 'postgres';
  /** Name of the last applied migration in the source database. */
  lastMigration: string | null;
  createdAt: string;
  /** Fingerprints (as in system_meta) of the key material in the archive. */
  keyFingerprints: Record<string, string>;
  /** Tables in restore order (parents first), with their row counts. */
  tables: Array<{ name: string; rows: number }>;
  /** Every other entry of the archive with its size and SHA-256. */
  files: Array<{ path: string; size: number; sha256: string }>;
}

export const MANIFEST_FORMAT = 1;
export const MANIFEST_NAME = 'manifest.json';
export const TABLE_PREFIX = 'db/';
export const FILE_PREFIX = 'files/';
