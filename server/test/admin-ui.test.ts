import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from './helpers/runtime.js';

// The orchestrator serving a built admin panel: a small stand-in dist folder, the real routes.
let runtime: TestRuntime;
let missing: TestRuntime;
const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'admin-dist-'));

beforeAll(async () => {
  fs.mkdirSync(path.join(dist, 'assets'));
  fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>panel</title><div id="app"></div>');
  fs.writeFileSync(path.join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
  fs.writeFileSync(path.join(dist, 'sw.js'), 'self.addEventListener("fetch", () => {})');
  runtime = await createTestRuntime({ env: { ADMIN_DIST_DIR: dist } });
  missing = await createTestRuntime({ env: { ADMIN_DIST_DIR: path.join(dist, 'nope') } });
});
afterAll(async () => {
  await runtime?.dispose();
  await missing?.dispose();
  fs.rmSync(dist, { recursive: true, force: true });
});

describe('admin panel hosting', () => {
  it('redirects / and /admin to /admin/', async () => {
    for (const url of ['/', '/admin']) {
      const res = await runtime.app.inject({ url });
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toBe('/admin/');
    }
  });

  it('serves index.html at /admin/ and for deep links, never cached', async () => {
    for (const url of ['/admin/', '/admin/users', '/admin/users/42?tab=roles']) {
      const res = await runtime.app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('<title>panel</title>');
    }
  });

  it('caches hashed assets for good, revalidates the service worker, and 404s missing files', async () => {
    const asset = await runtime.app.inject({ url: '/admin/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    const sw = await runtime.app.inject({ url: '/admin/sw.js' });
    expect(sw.headers['cache-control']).toBe('no-cache');
    const gone = await runtime.app.inject({ url: '/admin/assets/index-old.js' });
    expect(gone.statusCode).toBe(404);
    const post = await runtime.app.inject({ method: 'POST', url: '/admin/users' });
    expect(post.statusCode).toBe(404);
  });

  it('does not leak outside the dist folder', async () => {
    const res = await runtime.app.inject({ url: '/admin/..%2f..%2fpackage.json' });
    expect(res.statusCode).not.toBe(200);
    expect(res.body).not.toContain('"dependencies"');
  });

  it('leaves the API and its error format alone', async () => {
    const res = await runtime.app.inject({ url: '/api/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('explains how to build the panel when admin/dist is missing', async () => {
    const res = await missing.app.inject({ url: '/admin/dashboard' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build -w admin');
    expect((await missing.app.inject({ url: '/health' })).statusCode).toBe(200);
  });
});
