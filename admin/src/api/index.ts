import { createApiClient, type ApiClient } from './client.js';
import { createAdminApi, type AdminApi } from './endpoints.js';
import { createLocalTokenStore } from './token-store.js';

export { ApiError, isApiError } from './errors.js';
export type { ApiClient } from './client.js';
export type { AdminApi, Page } from './endpoints.js';
export type { StoredSession } from './token-store.js';

export interface ApiHooks {
  onReachability: (reachable: boolean) => void;
  onSession: (session: import('./token-store.js').StoredSession | null) => void;
}

/** The app's single client (same origin), wired to the stores through hooks. */
export function createBrowserApi(hooks: ApiHooks): { client: ApiClient; api: AdminApi } {
  const client = createApiClient({ tokens: createLocalTokenStore(window.localStorage), ...hooks });
  return { client, api: createAdminApi(client) };
}
