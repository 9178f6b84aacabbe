/// <reference lib="dom" />
// Website widget: size of widget.js and of its voice chunk widget-voice.js (raw and gzip), and in headless Chromium the time from the script tag to the
// launcher visible and from Enter to the first streamed character, with an instant fake LLM (median of N).
// Run: node_modules/.bin/tsx --tsconfig server/tsconfig.json scripts/bench/widget.ts [runs=5]
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ensureAdminBuilt, launchChromium, REPO_ROOT } from '../../admin/e2e/browser.js';
import { createFakeLlm } from '../../server/src/testing/fake-llm.js';
import { bearer, createTestRuntime } from '../../server/test/helpers/runtime.js';
import { median } from './harness.js';

const RUNS = Number(process.argv[2] ?? 5);

/** A page that marks the moment its script tag is parsed, then loads the widget. */
function sitePage(base: string, token: string): string {
  return `<!doctype html><html lang="en"><body><script>window.__tagAt = performance.now();
new MutationObserver((_, o) => { if (document.querySelector('[data-ai-secretary-widget]')) {
  window.__launcherAt = performance.now(); o.disconnect(); } }).observe(document.body, { childList: true });</script>
<script src="${base}/widget.js" data-token="${token}" async></script></body></html>`;
}

async function startSite(html: () => string): Promise<{ url: string; close: () => void }> {
  const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

async function main(): Promise<void> {
  ensureAdminBuilt();
  const raw = fs.readFileSync(path.join(REPO_ROOT, 'admin', 'dist', 'widget.js'));
  const voice = fs.readFileSync(path.join(REPO_ROOT, 'admin', 'dist', 'widget-voice.js'));
  const llm = await createFakeLlm({ tokens: ['Hi', ' there'] });
  llm.autoToolCall = false;
  const runtime = await createTestRuntime({
    env: { LLM_BASE_URL: llm.url, LLM_MODEL: 'fake-model', WIDGET_RATE_PER_IP_PER_MIN: '1000' },
  });
  const base = await runtime.app.listen({ port: 0, host: '127.0.0.1' });
  let token = '';
  const site = await startSite(() => sitePage(base, token));
  const created = await runtime.app.inject({
    method: 'POST',
    url: '/api/widget-tokens',
    headers: bearer(await runtime.adminToken()),
    payload: { name: 'bench', allowedOrigins: [site.url] },
  });
  token = created.json<{ token: string }>().token;
  const browser = await launchChromium();
  const launcherMs: number[] = [];
  const firstCharMs: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(site.url);
      await page.getByRole('button', { name: 'Open chat' }).waitFor();
      launcherMs.push(
        await page.evaluate(() => {
          const w = window as unknown as { __tagAt: number; __launcherAt: number };
          return w.__launcherAt - w.__tagAt;
        }),
      );
      await page.getByRole('button', { name: 'Open chat' }).click();
      const input = page.getByRole('textbox', { name: 'Type a message…' });
      await input.waitFor();
      await input.fill('hello');
      await page.evaluate(() => {
        const shadow = document.querySelector('[data-ai-secretary-widget]')!.shadowRoot!;
        const w = window as unknown as { __first: Promise<number> };
        w.__first = new Promise((resolve) => {
          let start = performance.now();
          shadow.querySelector('textarea')!.addEventListener('keydown', () => (start = performance.now()), true);
          const observer = new MutationObserver(() => {
            const bubbles = shadow.querySelectorAll('.msg.assistant .bubble');
            if (bubbles.length > 1 && (bubbles[bubbles.length - 1]!.textContent ?? '').includes('Hi')) {
              observer.disconnect();
              resolve(performance.now() - start);
            }
          });
          observer.observe(shadow, { subtree: true, childList: true, characterData: true });
        });
      });
      await input.press('Enter');
      firstCharMs.push(await page.evaluate(() => (window as unknown as { __first: Promise<number> }).__first));
      await context.close();
    }
  } finally {
    await browser.close();
    site.close();
    await runtime.dispose();
    await llm.close();
  }
  console.log(`widget.js: ${raw.length} bytes raw, ${gzipSync(raw, { level: 9 }).length} bytes gzip`);
  console.log(
    `widget-voice.js (voice chunk): ${voice.length} bytes raw, ${gzipSync(voice, { level: 9 }).length} bytes gzip`,
  );
  console.log(`script tag → launcher visible: median ${median(launcherMs).toFixed(0)} ms (${RUNS} runs)`);
  console.log(`Enter → first streamed character: median ${median(firstCharMs).toFixed(0)} ms (${RUNS} runs)`);
}

await main();
