// Admin panel: gzip size of the first load and time to interactive of the dashboard in headless Chromium.
// Run: node_modules/.bin/tsx --tsconfig server/tsconfig.json scripts/bench/admin.ts [runs=5]
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext } from 'playwright-core';
import { ensureAdminBuilt, launchChromium, REPO_ROOT } from '../../admin/e2e/browser.js';
import { createTestRuntime, TEST_ADMIN_PASSWORD } from '../../server/test/helpers/runtime.js';
import { median } from './harness.js';

const RUNS = Number(process.argv[2] ?? 5);
const DIST = path.join(REPO_ROOT, 'admin', 'dist');

interface Visit {
  ttiMs: number;
  fcpMs: number;
  files: string[];
}

/** One visit to /admin/dashboard already signed in; TTI = the dashboard shows live /ready data. */
async function visit(context: BrowserContext, base: string): Promise<Visit> {
  const page = await context.newPage();
  const files: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/admin/')) files.push(url.pathname.slice('/admin/'.length) || 'index.html');
  });
  await page.goto(`${base}/admin/dashboard`);
  await page.getByTestId('component').first().waitFor();
  const timing = await page.evaluate(() => ({
    ttiMs: performance.now(),
    fcpMs: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
  }));
  await page.close();
  return { ...timing, files };
}

async function signedInContext(browser: Browser, session: unknown): Promise<BrowserContext> {
  const context = await browser.newContext({ locale: 'en-US' });
  await context.addInitScript((value) => {
    const storage = (
      globalThis as unknown as {
        localStorage: { getItem(k: string): string | null; setItem(k: string, v: string): void };
      }
    ).localStorage;
    if (storage.getItem('secretary.session') === null) storage.setItem('secretary.session', value);
  }, JSON.stringify(session));
  return context;
}

function sizes(files: string[]): { raw: number; gzip: number; count: number } {
  const unique = [...new Set(files.map((f) => (f.endsWith('/') || f === '' ? 'index.html' : f)))];
  const existing = unique.map((f) => path.join(DIST, f.replace(/^dashboard$/, 'index.html'))).filter(fs.existsSync);
  const buffers = existing.map((file) => fs.readFileSync(file));
  const raw = buffers.reduce((sum, b) => sum + b.length, 0);
  const gzip = buffers.reduce((sum, b) => sum + gzipSync(b, { level: 9 }).length, 0);
  return { raw, gzip, count: existing.length };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

async function main(): Promise<void> {
  ensureAdminBuilt();
  const runtime = await createTestRuntime();
  const base = await runtime.app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await launchChromium();
  try {
    const tokens = await runtime.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: TEST_ADMIN_PASSWORD },
    });
    const body = tokens.json<{ accessToken: string; refreshToken: string; expiresIn: number; user: unknown }>();
    const session = { ...body, accessExpiresAtMs: Date.now() + body.expiresIn * 1000 };
    const cold: Visit[] = [];
    const warm: Visit[] = [];
    for (let i = 0; i < RUNS; i++) {
      const context = await signedInContext(browser, session);
      cold.push(await visit(context, base));
      await new Promise((resolve) => setTimeout(resolve, 500)); // let the service worker finish precaching
      warm.push(await visit(context, base));
      await context.close();
    }
    const firstLoad = sizes(cold[0]?.files ?? []);
    console.log(
      `admin first load (dashboard, no cache): ${firstLoad.count} files, ${kib(firstLoad.raw)} raw, ${kib(firstLoad.gzip)} gzip`,
    );
    const all = sizes(fs.readdirSync(path.join(DIST, 'assets')).map((f) => `assets/${f}`));
    console.log(`admin all assets: ${all.count} files, ${kib(all.raw)} raw, ${kib(all.gzip)} gzip`);
    console.log(
      `dashboard TTI cold (median of ${RUNS}): ${median(cold.map((v) => v.ttiMs)).toFixed(0)} ms; FCP ${median(cold.map((v) => v.fcpMs)).toFixed(0)} ms`,
    );
    console.log(
      `dashboard TTI warm (service worker + cache): ${median(warm.map((v) => v.ttiMs)).toFixed(0)} ms; FCP ${median(warm.map((v) => v.fcpMs)).toFixed(0)} ms`,
    );
    console.log(
      `ratio cold/warm TTI: ${(median(cold.map((v) => v.ttiMs)) / median(warm.map((v) => v.ttiMs))).toFixed(2)}`,
    );
  } finally {
    await browser.close();
    await runtime.dispose();
  }
}

await main();
