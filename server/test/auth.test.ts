import fs from 'node:fs';
import path from 'node:path';
import { decodeJwt, SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  bearer,
  createTestDatabase,
  createTestRuntime,
  TEST_ADMIN_PASSWORD,
  type TestRuntime,
} from './helpers/runtime.js';

describe('auth', () => {
  let rt: TestRuntime;
  beforeEach(async () => {
    rt = await createTestRuntime();
  });
  afterEach(async () => {
    await rt.dispose();
  });

  it('logs in the first admin and returns the current user', async () => {
    const { accessToken } = await rt.login('admin', TEST_ADMIN_PASSWORD);
    const me = await rt.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(accessToken) });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ username: 'admin', role: 'admin', disabled: false });
  });

  it('refuses a wrong password with the admin error format', async () => {
    const res = await rt.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: 'nope' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: { code: 'AUTH_INVALID_CREDENTIALS', message: 'Wrong username or password' } });
  });

  it('logout revokes the session at once, for access and refresh tokens', async () => {
    const { accessToken, refreshToken } = await rt.login('admin', TEST_ADMIN_PASSWORD);
    const out = await rt.app.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(accessToken) });
    expect(out.statusCode).toBe(200);
    const me = await rt.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(accessToken) });
    expect(me.statusCode).toBe(401);
    expect(me.json().error.code).toBe('AUTH_SESSION_REVOKED');
    const refreshed = await rt.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken } });
    expect(refreshed.statusCode).toBe(401);
  });
});

describe('auth: revocation and throttling', () => {
  let rt: TestRuntime;
  let now: number;
  beforeEach(async () => {
    now = Date.parse('2026-11-21T10:00:00Z');
    rt = await createTestRuntime({
      clock: () => now,
      env: { LOGIN_MAX_FAILURES_PER_USER: '3', LOGIN_WINDOW_S: '600' },
    });
  });
  afterEach(async () => {
    await rt.dispose();
  });

  const login = (username: string, password: string, ip = '10.0.0.1') =>
    rt.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress: ip });

  it('throttles a username from the address that guessed, even with the right password, until the delay passes', async () => {
    for (let i = 0; i < 3; i++) expect((await login('admin', 'wrong')).statusCode).toBe(401);
    const blocked = await login('admin', TEST_ADMIN_PASSWORD);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error.code).toBe('AUTH_THROTTLED');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // the real user elsewhere is not held up by someone else's guesses
    expect((await login('admin', TEST_ADMIN_PASSWORD, '10.0.0.2')).statusCode).toBe(200);
    now += Number(blocked.headers['retry-after']) * 1000;
    expect((await login('admin', TEST_ADMIN_PASSWORD)).statusCode).toBe(200);
  });

  it('throttles an IP that tries many usernames', async () => {
    const rt2 = await createTestRuntime({ env: { LOGIN_MAX_FAILURES_PER_IP: '4' } });
    try {
      for (let i = 0; i < 4; i++) {
        const res = await rt2.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { username: `nobody${i}`, password: 'x' },
          remoteAddress: '10.9.9.9',
        });
        expect(res.statusCode).toBe(401);
      }
      const res = await rt2.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'admin', password: TEST_ADMIN_PASSWORD },
        remoteAddress: '10.9.9.9',
      });
      expect(res.statusCode).toBe(429);
      const other = await rt2.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'admin', password: TEST_ADMIN_PASSWORD },
        remoteAddress: '10.9.9.10',
      });
      expect(other.statusCode).toBe(200);
    } finally {
      await rt2.dispose();
    }
  });

  it('records failed logins in the audit log without the password', async () => {
    await login('admin', 'secret-guess');
    const entries = await rt.services.audit.list({ limit: 10, offset: 0, actionPrefix: 'auth.login_failed' });
    expect(entries.total).toBe(1);
    expect(entries.items[0]).toMatchObject({ target: 'admin', ip: '10.0.0.1' });
    expect(JSON.stringify(entries.items[0])).not.toContain('secret-guess');
  });

  it('rotates refresh tokens: the old one stops working', async () => {
    const { refreshToken } = await rt.login('admin', TEST_ADMIN_PASSWORD);
    const first = await rt.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken } });
    expect(first.statusCode).toBe(200);
    const next = await rt.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      payload: { refreshToken: first.json().refreshToken },
    });
    expect(next.statusCode).toBe(200);
    const again = await rt.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken } });
    expect(again.statusCode).toBe(401);
  });

  it('reusing a rotated refresh token revokes the whole session: the newer tokens stop working too', async () => {
    const { refreshToken } = await rt.login('admin', TEST_ADMIN_PASSWORD);
    const first = await rt.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken } });
    expect(first.statusCode).toBe(200);
    const rotated = first.json<{ accessToken: string; refreshToken: string }>();
    const reused = await rt.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken } });
    expect(reused.statusCode).toBe(401);
    expect(reused.json().error.code).toBe('AUTH_SESSION_REVOKED');
    const me = await rt.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(rotated.accessToken) });
    expect(me.statusCode).toBe(401);
    const newer = await rt.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      payload: { refreshToken: rotated.refreshToken },
    });
    expect(newer.statusCode).toBe(401);
    const entries = await rt.services.audit.list({ limit: 10, offset: 0, actionPrefix: 'auth.refresh_reused' });
    expect(entries.total).toBe(1);
    // other sessions of the same user are not affected
    expect((await login('admin', TEST_ADMIN_PASSWORD)).statusCode).toBe(200);
  });

  it('refuses a validly signed access token that has no expiry', async () => {
    const { accessToken } = await rt.login('admin', TEST_ADMIN_PASSWORD);
    const claims = decodeJwt(accessToken);
    const secret = Buffer.from(
      fs.readFileSync(path.join(rt.config.dataDir, 'secrets', 'jwt.key'), 'utf8').trim(),
      'base64',
    );
    const resign = (exp: number | undefined) => {
      const jwt = new SignJWT({ sid: claims.sid, role: claims.role })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(claims.sub!)
        .setIssuer(claims.iss!)
        .setIssuedAt(claims.iat);
      return (exp === undefined ? jwt : jwt.setExpirationTime(exp)).sign(new Uint8Array(secret));
    };
    const forever = await resign(undefined);
    const me = await rt.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(forever) });
    expect(me.statusCode).toBe(401);
    expect(me.json().error.code).toBe('AUTH_INVALID_TOKEN');
    // the same claims with the usual expiry are accepted, so it is the missing `exp` that is refused
    const usual = await resign(claims.exp);
    expect((await rt.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(usual) })).statusCode).toBe(200);
  });

  it('expires access tokens after their lifetime while the refresh token still works', async () => {
    const { accessToken, refreshToken } = await rt.login('admin', TEST_ADMIN_PASSWORD);
    now += 901_000;
    const me = await rt.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(accessToken) });
    expect(me.statusCode).toBe(401);
    expect(me.json().error.message).toMatch(/expired/);
    expect(
      (await rt.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken } })).statusCode,
    ).toBe(200);
  });

  it('a password change signs out every session of that user, and the new password works', async () => {
    const a = await rt.login('admin', TEST_ADMIN_PASSWORD);
    const b = await rt.login('admin', TEST_ADMIN_PASSWORD);
    const change = await rt.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: bearer(a.accessToken),
      payload: { currentPassword: TEST_ADMIN_PASSWORD, newPassword: 'a-new-long-password' },
    });
    expect(change.statusCode).toBe(200);
    for (const t of [a.accessToken, b.accessToken]) {
      expect((await rt.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(t) })).statusCode).toBe(401);
    }
    expect(
      (await rt.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: b.refreshToken } }))
        .statusCode,
    ).toBe(401);
    expect((await login('admin', TEST_ADMIN_PASSWORD)).statusCode).toBe(401);
    expect((await login('admin', 'a-new-long-password')).statusCode).toBe(200);
  });

  it('a wrong current password does not change anything', async () => {
    const a = await rt.login('admin', TEST_ADMIN_PASSWORD);
    const change = await rt.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: bearer(a.accessToken),
      payload: { currentPassword: 'not-it', newPassword: 'a-new-long-password' },
    });
    expect(change.statusCode).toBe(400);
    expect(
      (await rt.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(a.accessToken) })).statusCode,
    ).toBe(200);
  });

  it('disabling a user locks them out at once, and enabling lets them sign in again', async () => {
    const admin = await rt.adminToken();
    const u = await rt.createUser('user', 'carol');
    const disable = await rt.app.inject({
      method: 'PATCH',
      url: `/api/users/${u.id}`,
      headers: bearer(admin),
      payload: { disabled: true },
    });
    expect(disable.statusCode).toBe(200);
    const me = await rt.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(u.token) });
    expect(me.statusCode).toBe(401);
    const relogin = await login('carol', 'carol-password');
    expect(relogin.statusCode).toBe(401);
    expect(relogin.json().error.code).toBe('AUTH_USER_DISABLED');
    await rt.app.inject({
      method: 'PATCH',
      url: `/api/users/${u.id}`,
      headers: bearer(admin),
      payload: { disabled: false },
    });
    expect((await login('carol', 'carol-password')).statusCode).toBe(200);
  });

  it('lets a user list and revoke their own sessions but not somebody else’s', async () => {
    const u = await rt.createUser('user', 'dave');
    const other = await rt.login('admin', TEST_ADMIN_PASSWORD);
    const mine = await rt.app.inject({ method: 'GET', url: '/api/sessions', headers: bearer(u.token) });
    expect(mine.statusCode).toBe(200);
    const items = mine.json().items as Array<{ id: string; userId: string; current: boolean }>;
    expect(items.every((s) => s.userId === u.id)).toBe(true);
    expect(items.some((s) => s.current)).toBe(true);
    const adminSessions = await rt.app.inject({
      method: 'GET',
      url: '/api/sessions',
      headers: bearer(other.accessToken),
    });
    const adminSessionId = (adminSessions.json().items as Array<{ id: string; current: boolean }>).find(
      (s) => s.current,
    )!.id;
    const steal = await rt.app.inject({
      method: 'DELETE',
      url: `/api/sessions/${adminSessionId}`,
      headers: bearer(u.token),
    });
    expect(steal.statusCode).toBe(404);
    expect(
      (await rt.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(other.accessToken) })).statusCode,
    ).toBe(200);
    const peek = await rt.app.inject({
      method: 'GET',
      url: `/api/sessions?userId=${other.userId}`,
      headers: bearer(u.token),
    });
    expect(peek.statusCode).toBe(403);
  });
});

describe('auth: nobody can lock the admin out (issue 19, defect 4)', () => {
  let now: number;
  const clock = () => now;
  beforeEach(() => {
    now = Date.parse('2026-11-21T10:00:00Z');
  });

  function loginFrom(rt: TestRuntime, ip: string, password: string) {
    return rt.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password },
      remoteAddress: ip,
    });
  }

  it('an attacker’s wrong passwords from one address do not stop the admin elsewhere; the attacker waits longer each time', async () => {
    const rt = await createTestRuntime({ clock });
    try {
      for (let i = 0; i < 5; i++) expect((await loginFrom(rt, '203.0.113.66', 'guess')).statusCode).toBe(401);
      expect((await loginFrom(rt, '198.51.100.7', TEST_ADMIN_PASSWORD)).statusCode).toBe(200);
      const waits: number[] = [];
      for (let i = 0; i < 4; i++) {
        const refused = await loginFrom(rt, '203.0.113.66', 'guess');
        expect(refused.statusCode).toBe(429);
        expect(refused.json().error.code).toBe('AUTH_THROTTLED');
        waits.push(Number(refused.headers['retry-after']));
        now += waits[i]! * 1000;
        expect((await loginFrom(rt, '203.0.113.66', 'guess')).statusCode).toBe(401);
      }
      expect(waits).toEqual([1, 2, 4, 8]);
      expect((await loginFrom(rt, '198.51.100.7', TEST_ADMIN_PASSWORD)).statusCode).toBe(200);
    } finally {
      await rt.dispose();
    }
  });

  it('the delays are kept in the database: a restart does not reset them', async () => {
    const database = createTestDatabase();
    const first = await createTestRuntime({ clock, database, keepDatabase: true });
    try {
      for (let i = 0; i < 5; i++) expect((await loginFrom(first, '203.0.113.66', 'guess')).statusCode).toBe(401);
    } finally {
      await first.dispose();
    }
    const second = await createTestRuntime({ clock, database });
    try {
      const refused = await loginFrom(second, '203.0.113.66', TEST_ADMIN_PASSWORD);
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['retry-after']).toBe('1');
    } finally {
      await second.dispose();
    }
  });

  it('a burst of parallel guesses gets no more than the free attempts', async () => {
    const rt = await createTestRuntime({ clock });
    try {
      const burst = await Promise.all(Array.from({ length: 12 }, () => loginFrom(rt, '203.0.113.66', 'guess')));
      const statuses = burst.map((r) => r.statusCode).sort();
      // at most the 5 free attempts reach the password check; the rest wait their turn
      expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(7);
    } finally {
      await rt.dispose();
    }
  });
});
