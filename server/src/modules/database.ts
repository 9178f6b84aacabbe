import type { DataSource } from 'typeorm';
import { tightenDataDir } from '../core/private-files.js';
import { databaseKind, openDatabase, pingDatabase } from '../db/data-source.js';
import { createStores, type Stores } from '../db/stores/index.js';
import type { Started } from './index.js';
import type { Module, ModuleDefinition } from './module.js';

export interface DatabaseModule extends Module {
  db: DataSource;
  stores: Stores;
}

/**
 * The database (pending committed migrations run on open) and the stores every other module reads
 * through; first of all, DATA_DIR (database, key files, recordings) is made readable by this user only.
 */
export const databaseModule: ModuleDefinition<Started, 'database'> = {
  name: 'database',
  async start({ config, logger }) {
    const refused = tightenDataDir(config.dataDir);
    if (refused.length > 0)
      logger.warn({ paths: refused.slice(0, 20) }, 'DATA_DIR: could not make these private (0700/0600)');
    const db = await openDatabase({ url: config.databaseUrl, schema: config.databaseSchema, dataDir: config.dataDir });
    const kind = databaseKind({ url: config.databaseUrl, dataDir: config.dataDir });
    return {
      name: 'database',
      db,
      stores: createStores(db),
      readiness: [{ name: `database:${kind}`, check: async () => ({ ok: await pingDatabase(db) }) }],
      close: () => db.destroy(),
    };
  },
};
