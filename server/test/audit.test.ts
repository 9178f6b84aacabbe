import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestRuntime, type TestRuntime } from './helpers/runtime.js';

describe('audit log', () => {
  let rt: TestRuntime;
  let admin: string;
  beforeAll(async () => {
    rt = await createTestRuntime();
    admin = await rt.adminToken();
  });
  afterAll(async () => {
    await rt.dispose();
  });

  it('records who changed what from which IP, with secrets scrubbed', async () => {
    const res = await rt.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: bearer(admin),
      payload: { username: 'ivan', password: 'ivan-secret-pw' },
      remoteAddress: '192.0.2.7',
    });
    const ivan = res.json();
    await rt.app.inject({
      method: 'PATCH',
      url: `/api/users/${ivan.id}`,
      headers: bearer(admin),
      payload: { role: 'guest' },
      remoteAddress: '192.0.2.7',
    });
    const log = await rt.app.inject({ method: 'GET', url: '/api/audit?action=users.', headers: bearer(admin) });
    expect(log.statusCode).toBe(200);
    const items = log.json().items;
    expect(items.map((e: { action: string }) => e.action)).toEqual(['users.update', 'users.create']);
    expect(items[0]).toMatchObject({ actorName: 'admin', ip: '192.0.2.7', target: ivan.id, statusCode: 200 });
    expect(items[0].details).toEqual({ body: { role: 'guest' } });
    expect(items[1].details.body.password).toBe('[redacted]');
    expect(log.body).not.toContain('ivan-secret-pw');
  });

  it('records refused writes too, and filters by actor and time', async () => {
    const u = await rt.createUser('user');
    await rt.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: bearer(u.token),
      payload: { username: 'x', password: 'xxxxxxxxx' },
    });
    const log = await rt.app.inject({
      method: 'GET',
      url: `/api/audit?actorId=${u.id}&action=users.`,
      headers: bearer(admin),
    });
    const items = log.json().items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ action: 'users.create', statusCode: 403, actorId: u.id });
    const future = await rt.app.inject({
      method: 'GET',
      url: `/api/audit?since=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`,
      headers: bearer(admin),
    });
    expect(future.json().total).toBe(0);
  });

  it('bounds what one entry stores: a 640 KB refused body adds at most 4 KB, marked truncated', async () => {
    const guest = await rt.createUser('guest');
    const manyKeys = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`field${i}`, 'x'.repeat(20)]));
    const longItems = { currentPassword: 'y', tags: Array.from({ length: 20 }, () => 'z'.repeat(32_000)) };
    for (const body of [manyKeys, longItems]) {
      const payload = JSON.stringify(body);
      expect(payload.length).toBeGreaterThan(600_000);
      // a guest may change their own password; the schema refuses these bodies after they were read
      const res = await rt.app.inject({
        method: 'POST',
        url: '/api/auth/password',
        headers: { ...bearer(guest.token), 'content-type': 'application/json' },
        payload,
      });
      expect(res.statusCode).toBe(400);
    }
    const { items } = await rt.services.audit.list({ limit: 2, offset: 0, actorId: guest.id });
    expect(items).toHaveLength(2);
    for (const entry of items) {
      expect(Buffer.byteLength(JSON.stringify(entry.details))).toBeLessThanOrEqual(4096);
      expect(entry.details).toMatchObject({ truncated: true, body: expect.any(Object) });
    }
    // what fits is kept, in order
    const keys = Object.keys(
      (items.find((e) => 'field0' in (e.details!.body as object)) ?? items[0]!).details!.body as object,
    );
    expect(keys.slice(0, 3)).toEqual(['field0', 'field1', 'field2']);
  });

  it('records logins and logouts', async () => {
    const { accessToken } = await rt.login('admin', 'admin-password-1');
    await rt.app.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(accessToken) });
    const log = await rt.app.inject({ method: 'GET', url: '/api/audit?action=auth.', headers: bearer(admin) });
    const actions = log.json().items.map((e: { action: string }) => e.action);
    expect(actions).toContain('auth.logout');
    expect(actions).toContain('auth.login');
  });
});
