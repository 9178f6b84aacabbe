import { createRouter, createWebHistory, type RouteLocationNormalized, type Router } from 'vue-router';
import { routes } from './routes.js';

export interface GuardState {
  signedIn: () => boolean;
  admin: () => boolean;
}

/** Where a navigation must go instead, or null to let it through. */
export function redirectFor(to: RouteLocationNormalized, state: GuardState) {
  if (to.meta.public) return to.name === 'login' && state.signedIn() ? { name: 'dashboard' } : null;
  if (!state.signedIn()) return { name: 'login', query: { redirect: to.fullPath } };
  if (to.meta.adminOnly && !state.admin()) return { name: 'dashboard' };
  return null;
}

export function createAppRouter(state: GuardState, base = import.meta.env.BASE_URL): Router {
  const router = createRouter({ history: createWebHistory(base), routes });
  router.beforeEach((to) => redirectFor(to, state) ?? true);
  return router;
}
