import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestDatabase, createTestRuntime, type TestRuntime } from './helpers/runtime.js';

describe('health, readiness, metrics and docs', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime();
  });
  afterAll(async () => {
    await rt.dispose();
  });

  it('reports liveness and database readiness', async () => {
    expect((await rt.app.inject('/health')).json()).toEqual({ status: 'ok' });
    const ready = await rt.app.inject('/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json().components[0]).toMatchObject({ ok: true, name: expect.stringMatching(/^database:/) });
  });

  it('exposes Prometheus metrics with per-route latency histograms', async () => {
    await rt.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(await rt.adminToken()) });
    const metrics = await rt.app.inject('/metrics');
    expect(metrics.headers['content-type']).toMatch(/text\/plain/);
    expect(metrics.body).toMatch(/http_request_duration_seconds_bucket\{[^}]*route="\/api\/auth\/me"/);
    expect(metrics.body).toContain('process_resident_memory_bytes');
  });

  it('serves an OpenAPI document built from the route schemas', async () => {
    const doc = await rt.app.inject('/docs/json');
    expect(doc.statusCode).toBe(200);
    const spec = doc.json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/api/auth/login', '/api/users/{id}', '/v1/models']),
    );
    expect(spec.paths['/api/users/']?.post?.requestBody).toBeDefined();
  });

  it('reports not ready when the database is gone', async () => {
    const database = createTestDatabase();
    const rt2 = await createTestRuntime({ database });
    await rt2.db.destroy();
    const ready = await rt2.app.inject('/ready');
    expect(ready.statusCode).toBe(503);
    expect(ready.json().ready).toBe(false);
    await rt2.app.close();
    await database.drop();
  });
});
