import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/core/ids.js';
import { bearer, createTestRuntime, type TestRuntime } from './helpers/runtime.js';

describe('API keys for /v1', () => {
  let rt: TestRuntime;
  let admin: string;
  let baseURL: string;
  beforeAll(async () => {
    rt = await createTestRuntime();
    admin = await rt.adminToken();
    baseURL = `${await rt.app.listen({ port: 0, host: '127.0.0.1' })}/v1`;
  });
  afterAll(async () => {
    await rt.dispose();
  });

  const create = (payload: object) =>
    rt.app.inject({ method: 'POST', url: '/api/api-keys', headers: bearer(admin), payload });

  it('shows a new key once, stores only its hash, and lists it by its visible prefix', async () => {
    const res = await create({ name: 'website' });
    expect(res.statusCode).toBe(201);
    const { key, apiKey } = res.json();
    expect(key).toMatch(/^sk-sec-[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    expect(key.startsWith(apiKey.prefix)).toBe(true);
    const stored = await rt.stores.apiKeys.findById(apiKey.id);
    expect(stored!.keyHash).toBe(sha256Hex(key));
    expect(JSON.stringify(stored)).not.toContain(key.slice(apiKey.prefix.length + 1));
    const list = await rt.app.inject({ method: 'GET', url: '/api/api-keys', headers: bearer(admin) });
    const listed = list.json().items.find((k: { id: string }) => k.id === apiKey.id);
    expect(listed).toMatchObject({ name: 'website', prefix: apiKey.prefix, revokedAt: null });
    expect(list.body).not.toContain(key);
  });

  it('authenticates the official openai client; revocation takes effect at once', async () => {
    const { key, apiKey } = (await create({ name: 'client' })).json();
    const client = new OpenAI({ apiKey: key, baseURL, maxRetries: 0 });
    const models = await client.models.list();
    expect(models.object).toBe('list');
    const revoke = await rt.app.inject({ method: 'DELETE', url: `/api/api-keys/${apiKey.id}`, headers: bearer(admin) });
    expect(revoke.json().revokedAt).not.toBeNull();
    const err = await client.models.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err as InstanceType<typeof OpenAI.AuthenticationError>).error).toMatchObject({
      type: 'authentication_error',
      code: 'invalid_api_key',
    });
  });

  it('applies the per-key rate limit with a 429 in the OpenAI envelope', async () => {
    const { key } = (await create({ name: 'limited', rateLimitPerMinute: 3 })).json();
    const client = new OpenAI({ apiKey: key, baseURL, maxRetries: 0 });
    for (let i = 0; i < 3; i++) await client.models.list();
    const err = await client.models.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const limited = err as InstanceType<typeof OpenAI.RateLimitError>;
    expect(limited.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('rejects unknown keys and keys of disabled owners', async () => {
    const bad = new OpenAI({ apiKey: 'sk-sec-00000000_nope', baseURL, maxRetries: 0 });
    await expect(bad.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const owner = await rt.createUser('user');
    const { key } = (await create({ name: 'owned', ownerId: owner.id })).json();
    const client = new OpenAI({ apiKey: key, baseURL, maxRetries: 0 });
    await client.models.list();
    await rt.services.users.update(owner.id, { disabled: true });
    await expect(client.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('users see only their own keys and cannot create or revoke any', async () => {
    const u = await rt.createUser('user');
    const { apiKey } = (await create({ name: 'for-u', ownerId: u.id })).json();
    const list = await rt.app.inject({ method: 'GET', url: '/api/api-keys', headers: bearer(u.token) });
    expect(list.json().items.map((k: { id: string }) => k.id)).toEqual([apiKey.id]);
    const mk = await rt.app.inject({
      method: 'POST',
      url: '/api/api-keys',
      headers: bearer(u.token),
      payload: { name: 'x' },
    });
    expect(mk.statusCode).toBe(403);
    const rv = await rt.app.inject({ method: 'DELETE', url: `/api/api-keys/${apiKey.id}`, headers: bearer(u.token) });
    expect(rv.statusCode).toBe(403);
  });

  it('refuses a key for an unknown owner with 404', async () => {
    const res = await create({ name: 'ghost', ownerId: 'no-such-user' });
    expect(res.statusCode).toBe(404);
  });
});
