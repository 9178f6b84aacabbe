import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestRuntime, TEST_ADMIN_PASSWORD, type TestRuntime } from '../../server/test/helpers/runtime.js';
import { createApiClient, type ApiClientOptions } from '../src/api/client.js';
import { createAdminApi } from '../src/api/endpoints.js';
import { ApiError } from '../src/api/errors.js';
import { createMemoryTokenStore, type StoredSession } from '../src/api/token-store.js';

// The admin's API client against the real orchestrator on a real port (Node's own fetch).
let runtime: TestRuntime;
let baseUrl: string;
let serverNowMs = Date.now();
const ACCESS_TTL_S = 60;

/** Node's fetch, counting the calls to one path: the real network, only observed. */
function countingFetch(path: string) {
  const counter = { calls: 0 };
  const fetchFn: typeof fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url.includes(path)) counter.calls++;
    return fetch(input, init);
  };
  return { counter, fetchFn };
}

function client(overrides: Partial<ApiClientOptions> = {}) {
  const tokens = createMemoryTokenStore();
  const events: Array<StoredSession | null> = [];
  const reachability: boolean[] = [];
  const api = createApiClient({
    tokens,
    baseUrl,
    now: () => serverNowMs,
    onSession: (s) => events.push(s),
    onReachability: (r) => reachability.push(r),
    ...overrides,
  });
  return { api, tokens, events, reachability, admin: createAdminApi(api) };
}

beforeAll(async () => {
  runtime = await createTestRuntime({ clock: () => serverNowMs, env: { ACCESS_TOKEN_TTL_S: String(ACCESS_TTL_S) } });
  baseUrl = await runtime.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => runtime?.dispose());

describe('admin API client', () => {
  it('signs in, keeps the session, and calls typed endpoints with the bearer token', async () => {
    const { api, tokens, events, admin } = client();
    const session = await api.login({ username: 'admin', password: TEST_ADMIN_PASSWORD });
    expect(session.user).toMatchObject({ username: 'admin', role: 'admin' });
    expect(session.accessExpiresAtMs).toBe(serverNowMs + ACCESS_TTL_S * 1000);
    expect(tokens.load()).toEqual(session);
    expect(events).toEqual([session]);
    expect(await admin.auth.me()).toMatchObject({ username: 'admin' });
    const page = await admin.users.list({ limit: 10 });
    expect(page.total).toBeGreaterThanOrEqual(1);
  });

  it('turns the server error envelope into an ApiError with code and status', async () => {
    const { api, admin } = client();
    await expect(api.login({ username: 'admin', password: 'wrong-password' })).rejects.toMatchObject({
      name: 'ApiError',
      code: 'AUTH_INVALID_CREDENTIALS',
      status: 401,
    });
    await api.login({ username: 'admin', password: TEST_ADMIN_PASSWORD });
    const invalid = admin.users.create({ username: 'bad name!', password: 'long-enough-1' });
    await expect(invalid).rejects.toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
    await expect(admin.users.remove('no-such-user')).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });

  it('refreshes an access token the server refused, once, and rotates the refresh token', async () => {
    const { fetchFn, counter } = countingFetch('/api/auth/refresh');
    // The client believes its token is fresh (its clock stands still); the server's clock moves on.
    const { api, tokens, admin } = client({ fetch: fetchFn, now: () => 0 });
    const first = await api.login({ username: 'admin', password: TEST_ADMIN_PASSWORD });
    serverNowMs += (ACCESS_TTL_S + 5) * 1000;
    const [me, keys] = await Promise.all([admin.auth.me(), admin.apiKeys.list()]);
    expect(me.username).toBe('admin');
    expect(Array.isArray(keys.items)).toBe(true);
    expect(counter.calls).toBe(1);
    const second = tokens.load();
    expect(second?.refreshToken).not.toBe(first.refreshToken);
    expect(second?.accessToken).not.toBe(first.accessToken);
    const reuse = await fetch(`${baseUrl}/api/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: first.refreshToken }),
    });
    expect(reuse.status).toBe(401);
  });

  it('refreshes ahead of time when the access token is about to expire', async () => {
    const { fetchFn, counter } = countingFetch('/api/auth/refresh');
    const { api, admin } = client({ fetch: fetchFn, refreshMarginMs: 30_000 });
    await api.login({ username: 'admin', password: TEST_ADMIN_PASSWORD });
    serverNowMs += (ACCESS_TTL_S - 10) * 1000;
    await admin.auth.me();
    expect(counter.calls).toBe(1);
  });

  it('ends the session when the refresh token is refused, and says so', async () => {
    const { api, tokens, events, admin } = client({ now: () => 0 });
    const session = await api.login({ username: 'admin', password: TEST_ADMIN_PASSWORD });
    const other = await runtime.adminToken();
    const mine = await runtime.app.inject({ url: '/api/sessions', headers: bearer(session.accessToken) });
    const current = mine.json<{ items: Array<{ id: string; current: boolean }> }>().items.find((s) => s.current);
    await runtime.app.inject({ method: 'DELETE', url: `/api/sessions/${current?.id}`, headers: bearer(other) });
    await expect(admin.auth.me()).rejects.toMatchObject({ code: 'SESSION_EXPIRED', status: 401 });
    expect(tokens.load()).toBeNull();
    expect(events.at(-1)).toBeNull();
    await expect(admin.auth.me()).rejects.toMatchObject({ code: 'SESSION_EXPIRED' });
  });

  it('reads /ready without signing in', async () => {
    const { admin } = client();
    const ready = await admin.system.ready();
    expect(ready.ready).toBe(true);
    expect(ready.components[0]?.name).toMatch(/^database:/);
  });

  it('reports an unreachable server as status 0 without losing the session', async () => {
    const { api, tokens, reachability, admin } = client();
    await api.login({ username: 'admin', password: TEST_ADMIN_PASSWORD });
    const offline = client({ baseUrl: 'http://127.0.0.1:9', tokens });
    const error = await offline.admin.auth.me().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'NETWORK_UNREACHABLE', status: 0, unreachable: true });
    expect(offline.reachability).toEqual([false]);
    expect(tokens.load()).not.toBeNull();
    expect(reachability.at(-1)).toBe(true);
    await expect(admin.auth.me()).resolves.toMatchObject({ username: 'admin' });
  });

  it('signs out: the server revokes the session and the client forgets it', async () => {
    const { api, tokens } = client();
    const session = await api.login({ username: 'admin', password: TEST_ADMIN_PASSWORD });
    await api.logout();
    expect(tokens.load()).toBeNull();
    const after = await runtime.app.inject({ url: '/api/auth/me', headers: bearer(session.accessToken) });
    expect(after.statusCode).toBe(401);
  });
});
