import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entersState } from '../../server/src/core/state/enters-state.js';
import { bearer, createTestRuntime, TEST_ADMIN_PASSWORD, type TestRuntime } from '../../server/test/helpers/runtime.js';
import { ensureAdminBuilt, launchChromium, screenshot, signIn } from './browser.js';

// The GSM page (simulated modem) and the speech page (a real local espeak-ng worker) in headless Chromium.
let runtime: TestRuntime;
let browser: Browser;
let base: string;
const contexts: BrowserContext[] = [];
const POLL = { timeout: 30_000 };

async function signedInPage(): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  await signIn(page, base, 'admin', TEST_ADMIN_PASSWORD);
  return page;
}

beforeAll(async () => {
  ensureAdminBuilt();
  runtime = await createTestRuntime({
    env: {
      GSM_ENABLED: 'true',
      SPEECH_LOCAL_WORKER: 'true',
      SPEECH_VAD: 'none',
      SPEECH_WORKER_READY_TIMEOUT_MS: '120000',
    },
  });
  base = await runtime.app.listen({ port: 0, host: '127.0.0.1' });
  await entersState(runtime.speech.localWorker!, 'ready', 150_000);
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await runtime?.dispose();
});

describe('GSM and speech pages in Chromium', { timeout: 120_000 }, () => {
  it('shows the simulated modem and sends an SMS through it', async () => {
    const page = await signedInPage();
    await page.getByRole('link', { name: 'Phone (GSM)' }).click();
    await page.getByTestId('gsm-simulated').waitFor();
    await expect.poll(() => page.getByTestId('gsm-status').textContent(), POLL).toContain('ready');
    await page.getByRole('link', { name: 'SMS', exact: true }).click();
    await page.getByLabel('To (number)').fill('+79161234567');
    await page.getByLabel('Text').fill('Your appointment is at 10:00');
    await page.getByRole('button', { name: 'Send SMS' }).click();
    const row = page.getByTestId('gsm-sms-row').filter({ hasText: 'Your appointment is at 10:00' });
    await row.waitFor(POLL);
    expect(await page.getByTestId('sms-thread-view').getByRole('heading').textContent()).toContain('+79161234567');
    await screenshot(page, 'gsm');
    const admin = await runtime.login('admin', TEST_ADMIN_PASSWORD);
    const sms = await runtime.app.inject({ url: '/api/gsm/sms', headers: bearer(admin.accessToken) });
    expect(sms.json<{ items: Array<{ text: string; direction: string }> }>().items).toContainEqual(
      expect.objectContaining({ text: 'Your appointment is at 10:00', direction: 'out' }),
    );
  });

  it('lists the speech worker and plays what a voice says', async () => {
    const page = await signedInPage();
    await page.getByRole('link', { name: 'Speech' }).click();
    const worker = page.getByTestId('speech-worker-row').first();
    await expect.poll(() => worker.textContent(), POLL).toContain('ready');
    await page.getByLabel('Text').fill('Hello, this is the secretary.');
    await page.getByRole('button', { name: 'Say', exact: true }).click();
    const audio = page.getByTestId('tts-result').locator('audio');
    await audio.waitFor(POLL);
    const decoded = await audio.evaluate(
      (element: HTMLAudioElement) =>
        new Promise<number>((resolve, reject) => {
          if (element.readyState >= 1) return resolve(element.duration);
          element.addEventListener('loadedmetadata', () => resolve(element.duration));
          element.addEventListener('error', () => reject(new Error('audio did not decode')));
        }),
    );
    expect(decoded).toBeGreaterThan(0.5);
    await screenshot(page, 'speech');
  });

  it('shows the modem, the LLM providers and the speech workers on the dashboard', async () => {
    const page = await signedInPage();
    const card = page.getByTestId('services-card');
    await expect.poll(() => card.getByTestId('service-modem').textContent(), POLL).toMatch(/ready\s*Simulated modem/);
    await expect
      .poll(() => card.getByTestId('service-provider').first().textContent(), POLL)
      .toContain('LLM: local-vllm');
    await expect.poll(() => card.getByTestId('service-worker').first().textContent(), POLL).toContain('ready');
    await screenshot(page, 'dashboard-services');
  });
});
