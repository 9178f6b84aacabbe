import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeLlm } from '../../server/src/testing/fake-llm-port.js';
import { createFakeStt } from '../../server/src/testing/fake-stt.js';
import { createFakeTts } from '../../server/src/testing/fake-tts.js';
import { createFakeVad } from '../../server/src/testing/fake-vad.js';
import { bearer, createTestRuntime, TEST_ADMIN_PASSWORD, type TestRuntime } from '../../server/test/helpers/runtime.js';
import { rejected } from '../../server/test/helpers/ws-voice-client.js';
import { ensureAdminBuilt, launchChromium, screenshot, signIn } from './browser.js';

// The widget tokens page in headless Chromium against the real orchestrator on a real port, with the voice
// engine on fake ports so a "website" page can hold a /ws/voice session with the token.
let runtime: TestRuntime;
let browser: Browser;
let base: string;
const contexts: BrowserContext[] = [];
const dialogs: string[] = [];
const POLL = { timeout: 20_000 };

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.accept();
  });
  return page;
}

interface SiteSocket {
  ready: boolean;
  closed: { code: number; reason: string } | null;
}
declare global {
  interface Window {
    siteSocket?: SiteSocket;
  }
}

/** What a customer's website does with the token: open /ws/voice with the subprotocol form, until `ready`. */
async function openWidgetSession(page: Page, token: string): Promise<void> {
  await page.evaluate(async (token) => {
    const state: SiteSocket = { ready: false, closed: null };
    window.siteSocket = state;
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/voice?sampleRate=16000`;
    const ws = new WebSocket(url, ['secretary.voice.v1', `bearer.${token}`]);
    ws.onclose = (event) => (state.closed = { code: event.code, reason: event.reason });
    await new Promise<void>((resolve, reject) => {
      ws.onmessage = (event) => {
        if (typeof event.data === 'string' && (JSON.parse(event.data) as { type: string }).type === 'ready') {
          state.ready = true;
          resolve();
        }
      };
      ws.onerror = () => reject(new Error('the widget socket failed'));
    });
  }, token);
}

const row = (page: Page, name: string) => page.locator(`tr[data-token-name="${name}"]`);

beforeAll(async () => {
  ensureAdminBuilt();
  runtime = await createTestRuntime({
    env: { VOICE_SILENCE_PROMPT_S: '60' },
    voicePorts: {
      vad: createFakeVad(),
      stt: createFakeStt(),
      llm: createFakeLlm(),
      tts: createFakeTts(),
    },
  });
  base = await runtime.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await runtime?.dispose();
});

describe('widget tokens page in Chromium', { timeout: 90_000 }, () => {
  it("shows the API's message for a bad origin, creates a token shown once, and revoking it ends the site's session", async () => {
    const page = await newPage();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    await signIn(page, base, 'admin', TEST_ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Widget tokens' }).click();
    await page.waitForURL(/\/admin\/widget-tokens/);
    const form = page.getByTestId('create-widget-token-form');

    // A path in an origin: the server's validation message is shown as it is, nothing is created.
    const badBody = { name: 'Bad origin', allowedOrigins: ['https://shop.example/path'] };
    const api = await runtime.app.inject({
      method: 'POST',
      url: '/api/widget-tokens',
      headers: bearer(await runtime.adminToken()),
      payload: badBody,
    });
    expect(api.statusCode).toBe(400);
    const apiMessage = api.json<{ error: { code: string; message: string } }>().error.message;
    expect(apiMessage).toMatch(/allowedOrigins/);
    await form.getByLabel('Name').fill(badBody.name);
    await form.getByLabel('Allowed origins, one per line (empty: any origin)').fill(badBody.allowedOrigins[0]!);
    await form.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => form.getByRole('alert').textContent(), POLL).toBe(apiMessage);
    expect(await page.getByTestId('revealed-widget-token').count()).toBe(0);
    expect(await row(page, 'Bad origin').count()).toBe(0);
    await screenshot(page, 'widget-tokens-invalid');

    // The website is this server's own origin, so a page here can act as the customer's site.
    await form.getByLabel('Name').fill('Shop widget');
    await form.getByLabel('Allowed origins, one per line (empty: any origin)').fill(base);
    await form.getByLabel('Persona or model route (empty: the voice default)').fill('shop-persona');
    await form.getByLabel('Concurrent sessions').fill('3');
    await form.getByRole('button', { name: 'Create' }).click();
    const token = (await page.getByTestId('revealed-widget-token-value').textContent())?.trim() ?? '';
    expect(token).toMatch(/^wt-[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    expect(await form.getByRole('alert').count()).toBe(0);
    const snippet = (await page.getByTestId('widget-embed-snippet').textContent()) ?? '';
    expect(snippet).toContain(`'${base.replace('http', 'ws')}/ws/voice?sampleRate=16000'`);
    expect(snippet).toContain(`['secretary.voice.v1', 'bearer.' + token]`);
    expect(snippet).toContain(`const token = '${token}';`);

    await page.getByTestId('revealed-widget-token').getByRole('button', { name: 'Copy', exact: true }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText()), POLL).toBe(token);
    await page.getByRole('button', { name: 'Copy the snippet' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText()), POLL).toBe(snippet);

    const created = row(page, 'Shop widget');
    await created.waitFor();
    const cells = (await created.locator('td').allTextContents()).map((text) => text.trim());
    expect(cells.slice(0, 5)).toEqual([`Shop widget`, `${token.split('_')[0]}…`, base, 'shop-persona', '0 / 3']);
    expect(cells[6]).toBe('never');
    expect(cells[7]).toBe('Active');
    await screenshot(page, 'widget-tokens-created');

    // Shown once: gone after a reload, and never in what the list API returns.
    await page.reload();
    await created.waitFor();
    expect(await page.getByTestId('revealed-widget-token').count()).toBe(0);
    expect(await page.content()).not.toContain(token);

    // A session from the website, counted on the page.
    const site = await newPage();
    await site.goto(`${base}/admin/login`);
    await openWidgetSession(site, token);
    await page.reload();
    await expect.poll(async () => (await created.locator('td').nth(4).textContent())?.trim(), POLL).toBe('1 / 3');
    expect(await created.locator('td').nth(6).textContent()).not.toContain('never');

    await created.getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => created.getByTestId('widget-token-status').textContent(), POLL).toContain('Revoked');
    expect(dialogs.at(-1)).toBe('Revoke Shop widget? Its 1 open voice session(s) will be ended.');
    expect(await page.getByRole('status').textContent()).toBe(
      'Shop widget revoked; voice sessions open with it were ended.',
    );
    expect(await created.getByRole('button', { name: 'Revoke' }).count()).toBe(0);
    expect((await created.locator('td').nth(4).textContent())?.trim()).toBe('0 / 3');
    await expect
      .poll(() => site.evaluate(() => window.siteSocket?.closed ?? null), POLL)
      .toEqual({ code: 4401, reason: 'widget token revoked' });
    expect(await rejected(`${base}/ws/voice?token=${token}`, [], { origin: base })).toBe(401);
    await page.locator('.table-wrap').evaluate((wrap) => (wrap.scrollLeft = 0));
    await screenshot(page, 'widget-tokens');
  });

  it('has no nav entry for users and guests, and sends them back from its URL', async () => {
    for (const role of ['user', 'guest'] as const) {
      const someone = await runtime.createUser(role, `widget-${role}`);
      const page = await newPage();
      await signIn(page, base, someone.username, `${someone.username}-password`);
      await page.getByRole('link', { name: 'Dashboard' }).waitFor();
      expect(await page.getByRole('link', { name: 'Widget tokens' }).count(), role).toBe(0);
      await page.goto(`${base}/admin/widget-tokens`);
      await page.waitForURL(/\/admin\/dashboard/);
      expect(await page.getByTestId('create-widget-token-form').count(), role).toBe(0);
    }
  });
});
