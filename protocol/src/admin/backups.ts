import { Type, type Static } from 'typebox';
import { StrictObject } from '../common.js';

/** `manifest.json` of a backup archive (issue 18): what it holds, each entry's SHA-256. */
export const BackupManifestView = StrictObject({
  format: Type.Literal(1),
  appVersion: Type.String(),
  database: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')]),
  lastMigration: Type.Union([Type.String(), Type.Null()], { description: 'Last applied migration of the source' }),
  createdAt: Type.String({ format: 'date-time' }),
  keyFingerprints: Type.Record(Type.String(), Type.String()),
  tables: Type.Array(StrictObject({ name: Type.String(), rows: Type.Integer() })),
  files: Type.Array(StrictObject({ path: Type.String(), size: Type.Integer(), sha256: Type.String() })),
});
export type BackupManifestView = Static<typeof BackupManifestView>;

export const CreatedBackup = StrictObject({ name: Type.String(), size: Type.Integer(), manifest: BackupManifestView });

export const BackupListItem = StrictObject({
  name: Type.String(),
  size: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
});

export const BackupNameParams = StrictObject({
  name: Type.String({ pattern: '^secretary-[0-9A-Za-z-]+\\.tar\\.gz$', maxLength: 100 }),
});
