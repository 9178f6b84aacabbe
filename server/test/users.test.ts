import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestRuntime, type TestRuntime } from './helpers/runtime.js';

describe('users and ownership', () => {
  let rt: TestRuntime;
  let admin: string;
  beforeAll(async () => {
    rt = await createTestRuntime();
    admin = await rt.adminToken();
  });
  afterAll(async () => {
    await rt.dispose();
  });

  it('admins create, list, update and delete users; the password hash never leaves the server', async () => {
    const created = await rt.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: bearer(admin),
      payload: { username: 'erin', password: 'erin-password', role: 'guest', displayName: 'Erin' },
    });
    expect(created.statusCode).toBe(201);
    const erin = created.json();
    expect(erin).toMatchObject({ username: 'erin', role: 'guest', displayName: 'Erin', disabled: false });
    expect(JSON.stringify(erin)).not.toMatch(/hash|scrypt|password/i);

    const list = await rt.app.inject({ method: 'GET', url: '/api/users?limit=100', headers: bearer(admin) });
    expect(list.json().items.map((u: { username: string }) => u.username)).toContain('erin');

    const promoted = await rt.app.inject({
      method: 'PATCH',
      url: `/api/users/${erin.id}`,
      headers: bearer(admin),
      payload: { role: 'user' },
    });
    expect(promoted.json().role).toBe('user');
    const deleted = await rt.app.inject({ method: 'DELETE', url: `/api/users/${erin.id}`, headers: bearer(admin) });
    expect(deleted.statusCode).toBe(200);
    expect(
      (await rt.app.inject({ method: 'GET', url: `/api/users/${erin.id}`, headers: bearer(admin) })).statusCode,
    ).toBe(404);
  });

  it('refuses a duplicate username with 409 and keeps the original', async () => {
    const first = await rt.services.users.create({ username: 'frank', password: 'frank-password' });
    const dup = await rt.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: bearer(admin),
      payload: { username: 'frank', password: 'other-password' },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('CONFLICT');
    expect((await rt.services.users.get(first.id)).passwordHash).toBe(first.passwordHash);
  });

  it('users read and rename only themselves; they cannot touch others or raise their own role', async () => {
    const u1 = await rt.createUser('user');
    const u2 = await rt.createUser('user');
    expect(
      (await rt.app.inject({ method: 'GET', url: `/api/users/${u1.id}`, headers: bearer(u1.token) })).statusCode,
    ).toBe(200);
    expect(
      (await rt.app.inject({ method: 'GET', url: `/api/users/${u2.id}`, headers: bearer(u1.token) })).statusCode,
    ).toBe(403);
    const rename = await rt.app.inject({
      method: 'PATCH',
      url: `/api/users/${u1.id}`,
      headers: bearer(u1.token),
      payload: { displayName: 'Me' },
    });
    expect(rename.json().displayName).toBe('Me');
    const renameOther = await rt.app.inject({
      method: 'PATCH',
      url: `/api/users/${u2.id}`,
      headers: bearer(u1.token),
      payload: { displayName: 'Hacked' },
    });
    expect(renameOther.statusCode).toBe(403);
    expect((await rt.services.users.get(u2.id)).displayName).not.toBe('Hacked');
    const escalate = await rt.app.inject({
      method: 'PATCH',
      url: `/api/users/${u1.id}`,
      headers: bearer(u1.token),
      payload: { role: 'admin' },
    });
    expect(escalate.statusCode).toBe(403);
    expect((await rt.services.users.get(u1.id)).role).toBe('user');
    const list = await rt.app.inject({ method: 'GET', url: '/api/users', headers: bearer(u1.token) });
    expect(list.statusCode).toBe(403);
  });

  it('never leaves the installation without an enabled admin', async () => {
    const me = await rt.services.users.findByUsername('admin');
    const demote = await rt.app.inject({
      method: 'PATCH',
      url: `/api/users/${me!.id}`,
      headers: bearer(admin),
      payload: { role: 'user' },
    });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().error.code).toBe('LAST_ADMIN');
    expect((await rt.services.users.get(me!.id)).role).toBe('admin');
  });

  it('admin password reset signs the user out and sets the new password', async () => {
    const u = await rt.createUser('user', 'gina');
    const reset = await rt.app.inject({
      method: 'POST',
      url: `/api/users/${u.id}/password`,
      headers: bearer(admin),
      payload: { password: 'gina-new-password' },
    });
    expect(reset.statusCode).toBe(200);
    expect((await rt.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(u.token) })).statusCode).toBe(
      401,
    );
    await expect(rt.login('gina', 'gina-new-password')).resolves.toBeDefined();
  });
});
