import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeLlm, type FakeLlm } from '../../server/src/testing/fake-llm.js';
import { entersState } from '../../server/src/workers/supervisor.js';
import { createTestRuntime, TEST_ADMIN_PASSWORD, type TestRuntime } from '../../server/test/helpers/runtime.js';
import { fixturePath } from '../../server/test/helpers/speech.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, ensureAdminBuilt, screenshot } from './browser.js';

// The voice test page in headless Chromium: the fake microphone plays a 16 kHz fixture into
// getUserMedia, the page streams it over /ws/voice to the REAL speech worker (VAD, pocketsphinx,
// espeak-ng) and the router with a fake OpenAI-compatible upstream, then plays the reply.
const REPLY = ['We', ' are', ' open', ' from', ' nine', ' to', ' five', ' on', ' Saturday.'];
const POLL = { timeout: 90_000, interval: 250 };
let runtime: TestRuntime;
let upstream: FakeLlm;
let browser: Browser;
let base: string;
let tmp: string;

/** The fixture with silence around it, so the question falls after the greeting (Chromium loops the file). */
function callerWav(): string {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'voice-e2e-'));
  const out = path.join(tmp, 'caller.wav');
  execFileSync('sox', ['-q', fixturePath('en-slt16k-02.wav'), out, 'pad', '4', '8']);
  return out;
}

async function signIn(page: Page): Promise<void> {
  await page.goto(`${base}/admin/login`);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password', { exact: true }).fill(TEST_ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/admin\/dashboard/);
}

beforeAll(async () => {
  ensureAdminBuilt();
  const wav = callerWav();
  upstream = await createFakeLlm({ models: ['fake-model'], tokens: REPLY });
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
  await entersState(runtime.speech.supervisor!, 'ready', 150_000);
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
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('voice test page in Chromium', { timeout: 180_000 }, () => {
  it('talks to the secretary from the microphone: live transcript, reply audio and turn latency', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page);
    await page.getByRole('link', { name: 'Voice test' }).click();
    await page.getByRole('button', { name: 'Start talking' }).click();
    await expect.poll(() => page.getByTestId('voice-phase').textContent(), POLL).toContain('Live');

    const heard = page.getByTestId('voice-turn').filter({ has: page.getByTestId('voice-metrics') }).first();
    await heard.waitFor({ timeout: POLL.timeout });
    const transcript = (await heard.getByTestId('voice-heard').textContent()) ?? '';
    expect(transcript).toMatch(/open|hours|saturday/i);
    expect(await heard.getByTestId('voice-reply').textContent()).toContain('We are open from nine to five');
    expect(await heard.getByTestId('voice-latency').textContent()).toMatch(/^\d+ ms$/);
    // The question went to the LLM as the transcript; the reply audio reached the page and played.
    expect(upstream.requests.length).toBeGreaterThan(0);
    const played = async () => {
      const text = (await page.getByTestId('voice-audio').textContent()) ?? '';
      return Number(/played ([\d.]+) s/.exec(text)?.[1] ?? 0);
    };
    await expect.poll(played, POLL).toBeGreaterThan(1);
    await screenshot(page, 'voice-test');

    await page.getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(() => page.getByTestId('voice-phase').textContent(), POLL).toContain('Ended');
    const list = await runtime.app.inject({
      method: 'GET',
      url: '/api/conversations',
      headers: { authorization: `Bearer ${await runtime.adminToken()}` },
    });
    expect(JSON.stringify(list.json())).toContain('"channel":"web"');
    await context.close();
  });
});
