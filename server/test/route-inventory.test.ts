import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestRuntime, type TestRuntime } from './helpers/runtime.js';
import type { RouteInfo } from '../src/http/types.js';

/**
 * Walks every registered route. A route added later that forgets its guard either fails registration
 * (no `access` declared) or fails here (declared, but the guard does not hold).
 */
const PUBLIC_API = new Set([
  'POST /api/auth/login',
  'POST /api/auth/refresh',
  // the website widget's chat API checks its own credential: the widget token and the page's Origin
  'OPTIONS /api/widget/*',
  'GET /api/widget/config',
  'GET /api/widget/history',
  'POST /api/widget/chat',
  'POST /api/widget/messages',
  // YooMoney wallet notifications: the sha1_hash with the bot's notification secret is the credential
  'POST /api/payments/yoomoney/:id',
]);
/** Self-service writes guests may make on their own account. */
const GUEST_SELF_SERVICE = new Set(['POST /api/auth/logout', 'POST /api/auth/password', 'DELETE /api/sessions/:id']);
const READ = new Set(['GET', 'HEAD', 'OPTIONS']);

const key = (r: RouteInfo) => `${r.method} ${r.url}`;
const fill = (url: string) => url.replace(/:(\w+)/g, '00000000-0000-4000-8000-000000000000');

describe('route inventory', () => {
  let rt: TestRuntime;
  let routes: RouteInfo[];
  let guest: string;
  let user: string;

  beforeAll(async () => {
    rt = await createTestRuntime();
    await rt.app.ready();
    routes = rt.app.routeInventory.filter((r) => r.method !== 'HEAD');
    guest = (await rt.createUser('guest')).token;
    user = (await rt.createUser('user')).token;
  });
  afterAll(async () => {
    await rt.dispose();
  });

  const inject = (r: RouteInfo, headers: Record<string, string> = {}) =>
    rt.app.inject({
      method: r.method as 'GET',
      url: fill(r.url),
      headers,
      payload: READ.has(r.method) ? undefined : {},
    });

  it('knows the routes it guards', () => {
    expect(routes.length).toBeGreaterThan(10);
    const publicOnes = routes.filter((r) => r.access === 'public').map(key);
    expect(new Set(publicOnes)).toEqual(PUBLIC_API);
  });

  it('refuses anonymous requests to every /api and /v1 route except login and refresh', async () => {
    for (const r of routes.filter((x) => x.access !== 'public')) {
      const res = await inject(r);
      expect(res.statusCode, key(r)).toBe(401);
      expect(res.json().error, key(r)).toBeDefined();
    }
  });

  it('refuses a forged or expired-looking token everywhere', async () => {
    const forged = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4Iiwic2lkIjoieSIsInJvbGUiOiJhZG1pbiJ9.c2lnbmF0dXJl';
    for (const r of routes.filter((x) => x.access !== 'public')) {
      expect((await inject(r, bearer(forged))).statusCode, key(r)).toBe(401);
    }
  });

  it('gives guests 403 on every write except their own session self-service', async () => {
    const writes = routes.filter((r) => !READ.has(r.method) && r.access !== 'public' && r.url.startsWith('/api/'));
    expect(writes.length).toBeGreaterThan(5);
    for (const r of writes.filter((x) => !GUEST_SELF_SERVICE.has(key(x)))) {
      expect((await inject(r, bearer(guest))).statusCode, key(r)).toBe(403);
    }
    for (const r of writes.filter((x) => GUEST_SELF_SERVICE.has(key(x)))) {
      const freshGuest = (await rt.createUser('guest')).token;
      expect((await inject(r, bearer(freshGuest))).statusCode, key(r)).not.toBe(403);
    }
    expect(
      routes
        .filter((r) => r.guestMayWrite)
        .map(key)
        .sort(),
    ).toEqual([...GUEST_SELF_SERVICE].sort());
  });

  it('gives users 403 on every admin-only route', async () => {
    for (const r of routes.filter((x) => x.access === 'admin')) {
      expect((await inject(r, bearer(user))).statusCode, key(r)).toBe(403);
    }
  });

  it('refuses to register an /api route that declares no access level', async () => {
    await expect(
      (async () => {
        const { default: Fastify } = await import('fastify');
        const { installAccessControl } = await import('../src/http/access.js');
        const probe = Fastify();
        installAccessControl(probe, rt.services);
        probe.get('/api/forgotten', async () => ({ leaked: true }));
        await probe.ready();
      })(),
    ).rejects.toThrow(/declares no access level/);
  });
});
