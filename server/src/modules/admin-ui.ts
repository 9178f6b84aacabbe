import { adminUiRoutes } from '../routes/admin-ui/index.js';
import type { Started } from './index.js';
import type { Module, ModuleDefinition } from './module.js';

/** The built admin panel (admin/dist) under /admin/, with the single-page fallback. */
export const adminUiModule: ModuleDefinition<Started, 'adminUi'> = {
  name: 'adminUi',
  start: async ({ config }): Promise<Module> => ({
    name: 'adminUi',
    routes: { root: [adminUiRoutes(config.adminDistDir)] },
  }),
};
