import { createDbPrivacyService } from '../db/privacy.js';
import type { PrivacyService } from '../core/privacy/privacy-service.js';
import { privacyRoutes } from '../routes/admin/privacy/index.js';
import type { Started } from './index.js';
import type { Module, ModuleDefinition } from './module.js';

export interface PrivacyModule extends Module {
  privacy: PrivacyService;
}

const DAY_MS = 86_400_000;
/** The first retention run waits this long after start, so a restart loop does not run it each time. */
const FIRST_RUN_MS = 5 * 60_000;

/**
 * `/api/privacy`: retention settings (what is deleted after N days, run daily and on demand) and one contact's
 * data exported or erased. Erasures are journalled so that `manage restore --reapply-erasures` can repeat them.
 */
export const privacyModule: ModuleDefinition<Started, 'privacy'> = {
  name: 'privacy',
  async start({ config, logger, clock, get }) {
    const { db } = get('database');
    const { services } = get('accounts');
    const log = logger.child({ module: 'privacy' });
    const privacy = createDbPrivacyService({ db, dataDir: config.dataDir, box: services.secrets, clock, logger: log });
    let running: Promise<unknown> = Promise.resolve();
    const run = () => {
      running = privacy.runRetention().catch((error: unknown) => log.error({ err: error }, 'retention run failed'));
    };
    let daily: NodeJS.Timeout | null = null;
    const first = setTimeout(() => {
      run();
      daily = setInterval(run, DAY_MS);
      daily.unref();
    }, FIRST_RUN_MS);
    first.unref();
    return {
      name: 'privacy',
      privacy,
      routes: {
        api: [
          {
            prefix: '/privacy',
            plugin: async (app) => app.register(privacyRoutes, { privacy, audit: services.audit }),
          },
        ],
      },
      async close() {
        clearTimeout(first);
        if (daily !== null) clearInterval(daily);
        await running;
      },
    };
  },
};
