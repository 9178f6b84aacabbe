import { spawnSync } from 'node:child_process';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestRuntime, type TestRuntime } from './helpers/runtime.js';

const root = path.resolve(import.meta.dirname, '..', '..');

describe('npm run manage (CLI on the same database)', { timeout: 300_000 }, () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime();
  });
  afterAll(async () => {
    await rt.dispose();
  });

  function manage(...args: string[]) {
    const result = spawnSync(
      path.join(root, 'node_modules', '.bin', 'tsx'),
      ['--tsconfig', 'server/tsconfig.json', 'server/src/cli/manage.ts', ...args],
      { cwd: root, env: { ...process.env, ...rt.env, LOG_LEVEL: 'silent' }, encoding: 'utf8' },
    );
    return { code: result.status, out: result.stdout, err: result.stderr };
  }

  it('creates a user the running server accepts, changes role, disables and enables', async () => {
    const created = manage('create-user', 'lena', '--role', 'guest', '--password', 'lena-password-1');
    expect(created.code).toBe(0);
    expect(created.out).toMatch(/created lena \(guest\)/);
    const { accessToken } = await rt.login('lena', 'lena-password-1');
    expect(manage('list-users').out).toMatch(/^lena\tguest\tenabled/m);

    expect(manage('set-role', 'lena', 'user').code).toBe(0);
    expect((await rt.services.users.findByUsername('lena'))!.role).toBe('user');
    // a role change signs the user out, so the old token carries no stale role
    expect((await rt.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(accessToken) })).statusCode).toBe(
      401,
    );

    expect(manage('disable', 'lena').code).toBe(0);
    await expect(rt.login('lena', 'lena-password-1')).rejects.toThrow(/401/);
    expect(manage('enable', 'lena').code).toBe(0);
    await expect(rt.login('lena', 'lena-password-1')).resolves.toBeDefined();
  });

  it('sets a generated password and prints it once', async () => {
    const res = manage('set-password', 'admin');
    expect(res.code).toBe(0);
    const password = /password: (\S+)/.exec(res.out)![1]!;
    await expect(rt.login('admin', password)).resolves.toBeDefined();
  });

  it('set-password clears the failed-login delays of that user (kept in the database, so the CLI reaches them)', async () => {
    expect(manage('create-user', 'mira', '--password', 'mira-password-1').code).toBe(0);
    const loginFrom = (password: string) =>
      rt.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'mira', password },
        remoteAddress: '192.0.2.44',
      });
    for (let i = 0; i < 5; i++) expect((await loginFrom('not-her-password')).statusCode).toBe(401);
    const throttled = await loginFrom('mira-password-1');
    expect(throttled.statusCode).toBe(429);
    expect(throttled.json().error.code).toBe('AUTH_THROTTLED');
    const reset = manage('set-password', 'mira', '--password', 'mira-password-2');
    expect(reset.code).toBe(0);
    expect(reset.out).toMatch(/failed-login delays cleared/);
    expect((await loginFrom('mira-password-2')).statusCode).toBe(200);
  });

  it('creates an API key that works with the openai client, then revokes it', async () => {
    const res = manage('create-api-key', 'crm', '--rate-limit', '100');
    expect(res.code).toBe(0);
    const key = res.out.trim().split('\n').pop()!;
    const baseURL = `${await rt.app.listen({ port: 0, host: '127.0.0.1' })}/v1`;
    const client = new OpenAI({ apiKey: key, baseURL, maxRetries: 0 });
    await expect(client.models.list()).resolves.toBeDefined();
    const prefix = key.split('_')[0]!;
    expect(manage('list-api-keys').out).toContain(`${prefix}\tcrm\tactive`);
    expect(manage('revoke-api-key', prefix).code).toBe(0);
    // The server trusts a verified key for up to API_KEY_CACHE_MS (1 s) when another process revokes it.
    let refusal: unknown = null;
    for (let i = 0; i < 100 && refusal === null; i++) {
      refusal = await client.models.list().then(
        () => null,
        (error: unknown) => error,
      );
      if (refusal === null) await new Promise((r) => setTimeout(r, 100));
    }
    expect(refusal).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('explains bad usage with exit code 2 and records CLI changes in the audit log', async () => {
    const bad = manage('set-role', 'admin', 'root');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/role must be one of admin, user, guest/);
    expect(manage('frobnicate').code).toBe(2);
    expect(manage('delete', 'nobody').err).toMatch(/no user "nobody"/);
    const entries = await rt.services.audit.list({ limit: 50, offset: 0, actorId: 'cli' });
    expect(entries.items.map((e) => e.action)).toEqual(expect.arrayContaining(['users.create', 'api_keys.revoke']));
  });

  it('refuses to delete or demote the last admin', () => {
    const res = manage('delete', 'admin');
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/LAST_ADMIN/);
  });
});
