import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeLlm, type FakeLlm } from '../../server/src/testing/fake-llm.js';
import { bearer, createTestRuntime, TEST_ADMIN_PASSWORD, type TestRuntime } from '../../server/test/helpers/runtime.js';
import { ensureAdminBuilt, launchChromium, screenshot, signIn } from './browser.js';

// The live dashboard (SSE feed) and the usage/limits page with its charts, in headless Chromium
// against the real orchestrator (simulated modem, fake OpenAI-compatible upstream) on a real port.
let runtime: TestRuntime;
let upstream: FakeLlm;
let browser: Browser;
let base: string;
let admin: string;
const contexts: BrowserContext[] = [];
const POLL = { timeout: 30_000 };

async function newPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-US', viewport });
  contexts.push(context);
  const page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  return page;
}

async function chat(text: string): Promise<void> {
  const res = await runtime.app.inject({
    method: 'POST',
    url: '/v1/chat/completions',
    headers: bearer(admin),
    payload: { model: 'fake-model', messages: [{ role: 'user', content: text }] },
  });
  expect(res.statusCode).toBe(200);
}

const counter = async (page: Page, name: string) =>
  Number((await page.getByTestId(`today-${name}`).locator('dd').textContent())?.replace(/\D/g, '') ?? NaN);

beforeAll(async () => {
  ensureAdminBuilt();
  upstream = await createFakeLlm({ models: ['fake-model'], tokens: ['Hello', ' from', ' the', ' model.'] });
  runtime = await createTestRuntime({
    env: { GSM_ENABLED: 'true', LLM_BASE_URL: upstream.url, LLM_MODEL: 'fake-model' },
  });
  base = await runtime.app.listen({ port: 0, host: '127.0.0.1' });
  admin = await runtime.adminToken();
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  runtime?.app.server.closeAllConnections();
  await runtime?.dispose();
  await upstream?.close();
});

describe('live dashboard and usage charts in Chromium', { timeout: 120_000 }, () => {
  it('updates today’s counters live when a chat is answered and an SMS is sent', async () => {
    const page = await newPage();
    await signIn(page, base, 'admin', TEST_ADMIN_PASSWORD);
    await expect.poll(() => page.getByTestId('feed-state').textContent(), POLL).toContain('Live');
    await page.getByTestId('today-chats').waitFor();
    const chatsBefore = await counter(page, 'chats');
    const smsBefore = await counter(page, 'sms');
    await chat('hello from the dashboard test');
    await expect.poll(() => counter(page, 'chats'), POLL).toBe(chatsBefore + 1);
    expect(await counter(page, 'tokens')).toBeGreaterThan(0);
    const sms = await runtime.app.inject({
      method: 'POST',
      url: '/api/gsm/sms',
      headers: bearer(admin),
      payload: { to: '+79161234567', text: 'Confirmed' },
    });
    expect(sms.statusCode).toBe(201);
    await expect.poll(() => counter(page, 'sms'), POLL).toBe(smsBefore + 1);
    await expect.poll(() => page.getByTestId('service-modem').textContent(), POLL).toContain('ready');
    await expect.poll(() => page.getByTestId('service-provider').count(), POLL).toBe(1);
    await screenshot(page, 'dashboard-live');
  });

  it('charts tokens, cost and latency per provider and manages a daily limit', async () => {
    const put = await runtime.app.inject({
      method: 'PUT',
      url: '/api/llm/prices/fake-model',
      headers: bearer(admin),
      payload: { inputPerMillionUsd: 1000, outputPerMillionUsd: 2000 },
    });
    expect(put.statusCode).toBe(200);
    await chat('a priced question');
    const page = await newPage();
    await signIn(page, base, 'admin', TEST_ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Usage and limits' }).click();
    await page.getByTestId('usage-providers').waitFor();
    const api = (await runtime.app.inject({ method: 'GET', url: '/api/usage', headers: bearer(admin) })).json<{
      total: { promptTokens: number; completionTokens: number };
    }>();
    const tokens = api.total.promptTokens + api.total.completionTokens;
    await expect.poll(() => page.getByTestId('usage-tokens').textContent(), POLL).toBe(tokens.toLocaleString('en-US'));
    expect(await page.getByTestId('chart-tokens').getByTestId('chart-bar').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('chart-cost').getByTestId('chart-bar').count()).toBeGreaterThan(0);
    const latencyBars = page.getByTestId('chart-latency').getByTestId('chart-bar');
    expect(await latencyBars.count()).toBeGreaterThanOrEqual(4);
    await page.getByTestId('chart-latency').getByText('Show as a table').click();
    await expect.poll(() => page.getByTestId('chart-latency').locator('table').textContent(), POLL).toMatch(/\d+ ms/);

    const form = page.getByTestId('limit-form');
    await form.getByLabel('Applies to').selectOption('route');
    await form.getByLabel('Route, instance or key id').fill('secretary');
    await form.getByLabel('Measure').selectOption('tokens');
    await form.getByLabel('Daily maximum').fill('500000');
    await form.getByRole('button', { name: 'Create' }).click();
    await page.getByTestId('limit-row').filter({ hasText: 'secretary' }).waitFor();
    const limits = (await runtime.app.inject({ method: 'GET', url: '/api/llm/limits', headers: bearer(admin) })).json<{
      items: Array<{ subject: string; dailyMax: number; metric: string }>;
    }>().items;
    expect(limits).toEqual([expect.objectContaining({ subject: 'secretary', dailyMax: 500000, metric: 'tokens' })]);
    await screenshot(page, 'usage');

    await page.getByTestId('limit-row').getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => page.getByTestId('limit-row').count(), POLL).toBe(0);
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'usage-phone');
  });

  it('keeps the usage page from a guest; the guest dashboard still goes live without providers', async () => {
    const guest = await runtime.createUser('guest', 'usage-guest');
    const page = await newPage();
    await signIn(page, base, guest.username, `${guest.username}-password`);
    await expect.poll(() => page.getByTestId('feed-state').textContent(), POLL).toContain('Live');
    expect(await page.getByTestId('service-provider').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Usage and limits' }).count()).toBe(0);
    await page.goto(`${base}/admin/llm/usage`);
    await page.waitForURL(/\/admin\/dashboard/);
    const forged = await page.evaluate(async () => {
      const session = JSON.parse(localStorage.getItem('secretary.session') ?? '{}') as { accessToken?: string };
      const response = await fetch('/api/usage/latency', {
        headers: { authorization: `Bearer ${session.accessToken}` },
      });
      return response.status;
    });
    expect(forged).toBe(403);
  });
});
