import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeLlm, type FakeLlm } from '../../server/src/testing/fake-llm.js';
import { entersState } from '../../server/src/core/state/enters-state.js';
import { createTestRuntime, TEST_ADMIN_PASSWORD, type TestRuntime } from '../../server/test/helpers/runtime.js';
import { fixturePath } from '../../server/test/helpers/speech.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, ensureAdminBuilt, screenshot, signIn } from './browser.js';

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
let files: http.Server;
const MODEL_BYTES = randomBytes(512 * 1024);

/** A local "model hub": serves one file in 20 slow chunks so the page can show the progress. */
async function serveModel(): Promise<string> {
  files = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-length': String(MODEL_BYTES.length) });
    let i = 0;
    const step = MODEL_BYTES.length / 20;
    const timer = setInterval(() => {
      res.write(MODEL_BYTES.subarray(i * step, (i + 1) * step));
      if (++i < 20) return;
      clearInterval(timer);
      res.end();
    }, 150);
    res.once('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(files.address() as AddressInfo).port}/model.onnx`;
  const set = { name: 'test-voice', engine: 'sherpa', kind: 'tts-vits', languages: ['en'], sampleRateHz: 16000 };
  const manifest = {
    version: 1,
    models: [{ ...set, licence: 'test', files: [{ path: 'model.onnx', url, sizeBytes: null, sha256: null }] }],
  };
  const file = path.join(tmp, 'manifest.json');
  fs.writeFileSync(file, JSON.stringify(manifest));
  return file;
}

/** The fixture with silence around it, so the question falls after the greeting (Chromium loops the file). */
function callerWav(): string {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'voice-e2e-'));
  const out = path.join(tmp, 'caller.wav');
  execFileSync('sox', ['-q', fixturePath('en-slt16k-02.wav'), out, 'pad', '4', '8']);
  return out;
}

beforeAll(async () => {
  ensureAdminBuilt();
  const wav = callerWav();
  const manifest = await serveModel();
  upstream = await createFakeLlm({ models: ['fake-model'], tokens: REPLY });
  runtime = await createTestRuntime({
    env: {
      SPEECH_LOCAL_WORKER: 'true',
      SPEECH_WORKER_READY_TIMEOUT_MS: '120000',
      LLM_BASE_URL: upstream.url,
      LLM_MODEL: 'fake-model',
      VOICE_SILENCE_PROMPT_S: '60',
      SPEECH_MODELS_MANIFEST: manifest,
      SHERPA_MODELS_DIR: path.join(tmp, 'models'),
    },
  });
  base = await runtime.app.listen({ port: 0, host: '127.0.0.1' });
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
  files?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('voice test and speech pages in Chromium', { timeout: 180_000 }, () => {
  it('talks to the secretary from the microphone: live transcript, reply audio and turn latency', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, base, 'admin', TEST_ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Voice test' }).click();
    await page.getByRole('button', { name: 'Start talking' }).click();
    await expect.poll(() => page.getByTestId('voice-phase').textContent(), POLL).toContain('Live');

    const heard = page
      .getByTestId('voice-turn')
      .filter({ has: page.getByTestId('voice-metrics') })
      .first();
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

  it('downloads a missing model with progress and transcribes an uploaded file and the microphone', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, base, 'admin', TEST_ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Speech', exact: true }).click();

    const row = page.getByTestId('model-row').filter({ hasText: 'test-voice' });
    await expect.poll(() => row.textContent(), POLL).toContain('Missing');
    await row.getByRole('button', { name: 'Download' }).click();
    await row.getByTestId('model-progress').waitFor({ timeout: POLL.timeout });
    await screenshot(page, 'speech-model-download');
    await row.getByTestId('model-done').waitFor({ timeout: POLL.timeout });
    await expect.poll(() => row.textContent(), POLL).toContain('Installed');
    expect(fs.readFileSync(path.join(tmp, 'models', 'test-voice', 'model.onnx')).equals(MODEL_BYTES)).toBe(true);

    const stt = page.getByTestId('stt-test');
    await stt.getByLabel('Audio file').setInputFiles(fixturePath('en-slt16k-02.wav'));
    await stt.getByRole('button', { name: 'Transcribe' }).click();
    await expect.poll(() => stt.getByTestId('stt-text').textContent(), POLL).toMatch(/opening|hours|saturday/i);

    await stt.getByRole('button', { name: 'Record from the microphone' }).click();
    const stop = stt.getByRole('button', { name: /Stop and transcribe/ });
    // The fake microphone plays the padded fixture (4 s silence, the question, 8 s silence) in a loop.
    await expect
      .poll(async () => Number(/\(([\d.]+) s\)/.exec((await stop.textContent()) ?? '')?.[1] ?? 0), POLL)
      .toBeGreaterThan(8);
    await stop.click();
    await expect.poll(() => stt.getByTestId('stt-text').textContent(), POLL).toMatch(/opening|hours|saturday/i);
    await screenshot(page, 'speech');
    await context.close();
  });
});
