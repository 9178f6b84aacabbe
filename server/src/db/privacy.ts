import type { DataSource } from 'typeorm';
import type { Clock } from '../core/clock.js';
import { createErasureJournal } from '../core/privacy/erasure-journal.js';
import { createPrivacyService } from '../core/privacy/privacy-service.js';
import type { SecretBox } from '../core/secrets/secret-box.js';
import type { Logger } from '../logger.js';
import { createPrivacySources } from './privacy-sources.js';
import { createMetaStore } from './stores/meta-store.js';

/** The privacy service over this database (the server's module and `manage restore --reapply-erasures`). */
export function createDbPrivacyService(options: {
  db: DataSource;
  dataDir: string;
  box: SecretBox;
  clock: Clock;
  logger: Logger;
}) {
  const { db } = options;
  return createPrivacyService({
    sources: createPrivacySources(db.manager),
    inTransaction: (work) => db.transaction((manager) => work(createPrivacySources(manager))),
    meta: createMetaStore(db),
    journal: createErasureJournal(options.dataDir, options.box),
    dataDir: options.dataDir,
    clock: options.clock,
    logger: options.logger,
  });
}
