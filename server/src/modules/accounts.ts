import { loadKeyMaterial, type KeyMaterial } from '../core/secrets/key-material.js';
import { ensureFirstAdmin, type FirstAdminResult } from '../core/users/first-admin.js';
import { accountRoutes } from '../routes/admin/index.js';
import { createCoreServices, type CoreServices } from '../services.js';
import type { Started } from './index.js';
import type { Module, ModuleDefinition } from './module.js';

export interface AccountsModule extends Module {
  services: CoreServices;
  firstAdmin: FirstAdminResult;
  /** The keys in use (backups carry them). */
  keys: KeyMaterial;
}

/** Key material, users, sign-in, sessions, API keys and the audit log, with their `/api` folders. */
export const accountsModule: ModuleDefinition<Started, 'accounts'> = {
  name: 'accounts',
  async start({ config, clock, get }) {
    const { stores } = get('database');
    const keys = await loadKeyMaterial(config.dataDir, config, stores.meta);
    const services = createCoreServices(config, stores, keys, clock);
    const firstAdmin = await ensureFirstAdmin(services.users, config.adminPassword);
    return {
      name: 'accounts',
      services,
      firstAdmin,
      keys,
      generatedFiles: keys.generated,
      routes: { api: accountRoutes(services) },
    };
  },
};
