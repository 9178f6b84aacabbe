import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entersState } from '../../server/src/core/state/enters-state.js';
import { createFakeLlm, type FakeLlm } from '../../server/src/testing/fake-llm.js';
import { bearer, createTestRuntime, type TestRuntime } from '../../server/test/helpers/runtime.js';
import { fixturePath } from '../../server/test/helpers/speech.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, ensureAdminBuilt, screenshot } from './browser.js';

// The widget's voice button on a customer's page in headless Chromium: the fake microphone plays a 16 kHz speech
// fixture into getUserMedia, the widget fetches its voice chunk, streams the audio over /ws/voice with the widget
// token to the REAL speech worker (VAD, pocketsphinx, espeak-ng) and the router with a fake OpenAI-compatible
// upstream, and plays the spoken reply in the page.
const REPLY = ['We', ' are', ' open', ' from', ' nine', ' to', ' five', ' on', ' Saturday.'];
const POLL = { timeout: 90_000, interval: 250 };
let runtime: TestRuntime;
let upstream: FakeLlm;
let browser: Browser;
let base: string;
let admin: string;
let tmp: string;
let site: http.Server;
let siteUrl: string;
let token: string;

/** The fixture with silence around it, so the question falls after the session is live (Chromium loops it). */
function callerWav(): string {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'widget-voice-e2e-'));
  const out = path.join(tmp, 'caller.wav');
  execFileSync('sox', ['-q', fixturePath('en-slt16k-02.wav'), out, 'pad', '4', '8']);
  return out;
}

async function startSite(): Promise<void> {
  site = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><title>Shop</title></head><body><p>Our shop</p>
<script src="${base}/widget.js" data-token="${token}" async></script></body></html>`);
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  ensureAdminBuilt();
  const wav = callerWav();
  upstream = await createFakeLlm({ models: ['fake-model'], tokens: REPLY });
  upstream.autoToolCall = false;
  runtime = await createTestRuntime({
    env: {
      SPEECH_LOCAL_WORKER: 'true',
      SPEECH_WORKER_READY_TIMEOUT_MS: '120000',
      LLM_BASE_URL: upstream.url,
      LLM_MODEL: 'fake-model',
      VOICE_SILENCE_PROMPT_S: '60',
    },
  });
  base = await runtime.app.listen({ port: 0, host: '127.0.0.1' });
  admin = await runtime.adminToken();
  await startSite();
  const created = await runtime.app.inject({
    method: 'POST',
    url: '/api/widget-tokens',
    headers: bearer(admin),
    payload: { name: 'voice shop', allowedOrigins: [siteUrl] },
  });
  token = created.json<{ token: string }>().token;
  await entersState(runtime.speech.localWorker!, 'ready', 150_000);
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      ...CHROMIUM_ARGS,
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${wav}`,
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  runtime?.app.server.closeAllConnections();
  await runtime?.dispose();
  await upstream?.close();
  site?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const shadowText = (page: Page, selector: string) =>
  page.evaluate((s) => {
    const shadow = document.querySelector('[data-ai-secretary-widget]')!.shadowRoot!;
    return [...shadow.querySelectorAll(s)].map((e) => e.textContent ?? '');
  }, selector);

const voiceChunkFetched = (page: Page) =>
  page.evaluate(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/widget-voice.js')));

describe('website widget: the voice button', { timeout: 180_000 }, () => {
  it('loads the voice chunk only when pressed, shows the transcript and plays the spoken reply', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(siteUrl);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const button = page.getByRole('button', { name: 'Talk by voice' });
    await button.waitFor({ timeout: POLL.timeout });
    expect(await voiceChunkFetched(page)).toBe(false);

    await button.click();
    await expect.poll(() => voiceChunkFetched(page), POLL).toBe(true);
    const stop = page.getByRole('button', { name: 'Stop talking' });
    expect(await stop.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(async () => (await shadowText(page, '.voice-status')).join(''), POLL).toMatch(/Listening/);

    await expect
      .poll(async () => (await shadowText(page, '.msg.user .bubble')).join(' '), POLL)
      .toMatch(/open|hours|saturday/i);
    await expect
      .poll(async () => (await shadowText(page, '.msg.assistant .bubble')).join(' '), POLL)
      .toContain('We are open from nine to five');
    // the reply audio reached the page and played through its AudioContext
    const playedMs = async () =>
      Number(
        await page.evaluate(() =>
          document
            .querySelector('[data-ai-secretary-widget]')!
            .shadowRoot!.querySelector('.voice-status')!
            .getAttribute('data-played-ms'),
        ),
      );
    await expect.poll(playedMs, POLL).toBeGreaterThan(1000);
    expect(upstream.requests.length).toBeGreaterThan(0);
    await screenshot(page, 'widget-voice');

    await stop.click();
    await expect.poll(() => button.getAttribute('aria-pressed'), POLL).toBe('false');
    await expect
      .poll(async () => {
        const list = await runtime.app.inject({ url: '/api/conversations', headers: bearer(admin) });
        return list
          .json<{ items: Array<{ channel: string; caller: string; outcome: string | null; turnCount: number }> }>()
          .items.find((c) => c.channel === 'widget' && c.caller === 'voice shop' && c.turnCount > 0);
      }, POLL)
      .toMatchObject({ outcome: 'hung_up' });
    await context.close();
  });

  it('barge-in: the visitor talks over a long reply, the engine interrupts it and hears the new question', async () => {
    // about 20 s of speech: the fake microphone's loop (4 s silence, the question, 8 s silence) asks again mid-reply
    const sentence = 'We are open from nine in the morning to five in the evening, every day of the week.';
    upstream.tokens = Array.from({ length: 6 }, () => ` ${sentence}`);
    const context = await browser.newContext({ locale: 'en-US' });
    try {
      const page = await context.newPage();
      await page.goto(siteUrl);
      await page.getByRole('button', { name: 'Open chat' }).click();
      await page.getByRole('button', { name: 'Talk by voice' }).click();
      const interruptions = () =>
        page.evaluate(() =>
          Number(
            document
              .querySelector('[data-ai-secretary-widget]')!
              .shadowRoot!.querySelector('.voice-status')!
              .getAttribute('data-interruptions') ?? 0,
          ),
        );
      await expect.poll(interruptions, POLL).toBeGreaterThan(0);
      // the question that interrupted is heard as a new turn
      await expect.poll(async () => (await shadowText(page, '.msg.user .bubble')).length, POLL).toBeGreaterThan(1);
      await page.getByRole('button', { name: 'Stop talking' }).click();
      await expect.poll(() => page.getByRole('button', { name: 'Talk by voice' }).isVisible(), POLL).toBe(true);
    } finally {
      upstream.tokens = REPLY;
      await context.close();
    }
  });

  it('says so in the widget when the page is not allowed to open a voice session', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(siteUrl);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByRole('button', { name: 'Talk by voice' }).waitFor({ timeout: POLL.timeout });
    // the token is revoked after the page loaded: the upgrade is refused with 401
    const tokens = await runtime.app.inject({ url: '/api/widget-tokens', headers: bearer(admin) });
    const id = tokens
      .json<{ items: Array<{ id: string; name: string }> }>()
      .items.find((t) => t.name === 'voice shop')!.id;
    await runtime.app.inject({ method: 'DELETE', url: `/api/widget-tokens/${id}`, headers: bearer(admin) });
    await page.getByRole('button', { name: 'Talk by voice' }).click();
    await expect
      .poll(async () => (await shadowText(page, '.notice')).join(''), POLL)
      .toContain('voice chat could not start');
    expect(await page.getByRole('button', { name: 'Talk by voice' }).getAttribute('aria-pressed')).toBe('false');
    await context.close();
  });
});
