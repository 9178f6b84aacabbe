import { createBackupService, type BackupService } from '../backup/backup-service.js';
import { backupRoutes } from '../routes/admin/backups/index.js';
import type { Started } from './index.js';
import type { Module, ModuleDefinition } from './module.js';

export interface BackupsModule extends Module {
  backups: BackupService;
}

const HOUR_MS = 3_600_000;

/**
 * `/api/backups` (create, list, download) and, with BACKUP_INTERVAL_H > 0, a timer that writes an archive
 * every N hours into DATA_DIR/backups and deletes the oldest beyond BACKUP_KEEP. Restores are offline (CLI).
 */
export const backupsModule: ModuleDefinition<Started, 'backups'> = {
  name: 'backups',
  async start({ config, logger, get }) {
    const { db } = get('database');
    const { services, keys } = get('accounts');
    const log = logger.child({ module: 'backups' });
    const backups = createBackupService({ db, dataDir: config.dataDir, keys, logger: log });
    let running: Promise<unknown> = Promise.resolve();
    const tick = () => {
      running = backups
        .create()
        .then(() => backups.prune(config.backup.keep))
        .catch((error: unknown) => log.error({ err: error }, 'scheduled backup failed'));
    };
    const timer = config.backup.intervalH > 0 ? setInterval(tick, config.backup.intervalH * HOUR_MS) : null;
    timer?.unref();
    if (timer !== null)
      log.info({ intervalH: config.backup.intervalH, keep: config.backup.keep }, 'scheduled backups on');
    return {
      name: 'backups',
      backups,
      routes: {
        api: [
          { prefix: '/backups', plugin: async (app) => app.register(backupRoutes, { backups, audit: services.audit }) },
        ],
      },
      async close() {
        if (timer !== null) clearInterval(timer);
        await running;
      },
    };
  },
};
