import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestRuntime, type TestRuntime } from './helpers/runtime.js';

describe('bad input on the admin API', () => {
  let rt: TestRuntime;
  let admin: string;
  beforeAll(async () => {
    rt = await createTestRuntime({ env: { BODY_LIMIT_BYTES: '4096' } });
    admin = await rt.adminToken();
  });
  afterAll(async () => {
    await rt.dispose();
  });

  const userCount = async () => (await rt.services.users.list({ limit: 500, offset: 0 })).total;
  const post = (payload: string | object, headers: Record<string, string> = {}) =>
    rt.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: { ...bearer(admin), 'content-type': 'application/json', ...headers },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });

  const cases: Array<[string, string | object, number, string, RegExp]> = [
    ['malformed JSON', '{"username": "x", ', 400, 'BAD_JSON', /not valid JSON/],
    ['empty body', '', 400, 'BAD_JSON', /empty/i],
    ['wrong type', { username: 42, password: 'long-enough-1' }, 400, 'VALIDATION_FAILED', /username.*string/],
    [
      'number as a string is not coerced',
      { username: 'h1', password: 'long-enough-1', role: 1 },
      400,
      'VALIDATION_FAILED',
      /role/,
    ],
    [
      'unknown field',
      { username: 'h2', password: 'long-enough-1', isAdmin: true },
      400,
      'VALIDATION_FAILED',
      /unknown field "isAdmin"/,
    ],
    ['missing field', { username: 'h3' }, 400, 'VALIDATION_FAILED', /password/],
    ['too short password', { username: 'h4', password: 'short' }, 400, 'VALIDATION_FAILED', /password/],
    [
      'bad role (one readable sentence for a union, not one "must be equal to constant" per choice)',
      { username: 'h5', password: 'long-enough-1', role: 'root' },
      400,
      'VALIDATION_FAILED',
      /^body\/role must be one of: "admin", "user", "guest"$/,
    ],
    ['bad username characters', { username: 'a b/c', password: 'long-enough-1' }, 400, 'VALIDATION_FAILED', /username/],
    ['array instead of object', [1, 2], 400, 'VALIDATION_FAILED', /object/],
    ['oversize body', { username: 'h6', password: 'x'.repeat(8000) }, 413, 'BODY_TOO_LARGE', /too large/i],
  ];

  for (const [name, payload, status, code, message] of cases) {
    it(`${name} → ${status} ${code}, nothing written`, async () => {
      const before = await userCount();
      const res = await post(payload);
      expect(res.statusCode).toBe(status);
      const body = res.json();
      expect(Object.keys(body)).toEqual(['error']);
      expect(Object.keys(body.error).sort()).toEqual(['code', 'message']);
      expect(body.error.code).toBe(code);
      expect(body.error.message).toMatch(message);
      expect(await userCount()).toBe(before);
    });
  }

  it('wrong content type → 415 in the same format', async () => {
    const res = await post('username=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('bad query parameters → 400', async () => {
    const res = await rt.app.inject({ method: 'GET', url: '/api/users?limit=abc', headers: bearer(admin) });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
    const big = await rt.app.inject({ method: 'GET', url: '/api/audit?limit=100000', headers: bearer(admin) });
    expect(big.statusCode).toBe(400);
  });

  it('unknown /api paths → 404 in the admin format', async () => {
    const res = await rt.app.inject({ method: 'GET', url: '/api/nope', headers: bearer(admin) });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'GET /api/nope not found' } });
  });

  it('a malformed Authorization header is a 401, not a 500', async () => {
    const res = await rt.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: 'Basic abc' } });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('AUTH_INVALID_TOKEN');
  });

  it('a 500 never leaks internals', async () => {
    const table = rt.db
      .getMetadata('AuditEntryEntity')
      .tablePath.split('.')
      .map((part) => `"${part}"`)
      .join('.');
    await rt.db.query(`DROP TABLE ${table}`);
    const res = await rt.app.inject({ method: 'GET', url: '/api/audit', headers: bearer(admin) });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'INTERNAL', message: 'Internal server error' } });
  });
});
