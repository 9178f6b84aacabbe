import type { ApiClient } from './client.js';
import type { AdminApi } from './endpoints.js';

export interface ApiServices {
  client: ApiClient;
  api: AdminApi;
}

let current: ApiServices | null = null;

/** Set once by main.ts (and by tests) before any store runs. */
export function provideApi(services: ApiServices): void {
  current = services;
}

export function useApi(): ApiServices {
  if (current === null) throw new Error('provideApi() was not called');
  return current;
}
