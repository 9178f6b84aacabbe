import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeLlm } from '../../server/src/testing/fake-llm-port.js';
import { createFakeStt } from '../../server/src/testing/fake-stt.js';
import { createFakeTts } from '../../server/src/testing/fake-tts.js';
import { createFakeVad } from '../../server/src/testing/fake-vad.js';
import { until } from '../../server/test/gsm/helpers.js';
import { bearer, createTestRuntime, TEST_ADMIN_PASSWORD, type TestRuntime } from '../../server/test/helpers/runtime.js';
import { ensureAdminBuilt, launchChromium, screenshot, signIn } from './browser.js';

// Call detail, dial/DTMF/hang up, SMS threads, the AT console and Settings in headless Chromium, against
// the real server with the simulated modem; calls are answered by the voice engine on fake speech/LLM ports.
let runtime: TestRuntime;
let browser: Browser;
let base: string;
let adminToken: string;
const contexts: BrowserContext[] = [];
const POLL = { timeout: 30_000 };
const stt = createFakeStt({ script: ['What are your opening hours?'] });
const llm = createFakeLlm({ script: [{ text: 'We are open from nine to six.' }] });

async function signedInPage(username = 'admin', password = TEST_ADMIN_PASSWORD, width = 1280): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  await signIn(page, base, username, password);
  return page;
}

async function api(method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, token = adminToken) {
  return runtime.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });
}

/** Seconds of audio the browser decoded from an <audio> element (waits for its metadata). */
function audioDuration(page: Page, testId: string): Promise<number> {
  return page
    .getByTestId(testId)
    .locator('audio')
    .evaluate(
      (element: HTMLAudioElement) =>
        new Promise<number>((resolve, reject) => {
          if (element.readyState >= 1) return resolve(element.duration);
          element.addEventListener('loadedmetadata', () => resolve(element.duration));
          element.addEventListener('error', () => reject(new Error('audio did not decode')));
        }),
    );
}

/** 2 s of silence, 1 s of "speech" (loud enough for the VAD), then silence: 8 kHz like the modem. */
function callerAudio(): Int16Array {
  const pcm = new Int16Array(8000 * 20);
  pcm.fill(3000, 8000 * 2, 8000 * 3);
  return pcm;
}

beforeAll(async () => {
  ensureAdminBuilt();
  runtime = await createTestRuntime({
    env: { GSM_ENABLED: 'true', GSM_ANSWER_AFTER_RINGS: '1', GSM_MAX_CALL_S: '120', VOICE_SILENCE_PROMPT_S: '60' },
    voicePorts: { vad: createFakeVad(), stt, llm, tts: createFakeTts() },
  });
  base = await runtime.app.listen({ port: 0, host: '127.0.0.1' });
  adminToken = await runtime.adminToken();
  await until(() => runtime.gsm?.modem.state === 'ready', 30_000, 'modem ready');
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  runtime?.app.server.closeAllConnections();
  await runtime?.dispose();
});

describe('Settings, calls, SMS and the AT console in Chromium', { timeout: 120_000 }, () => {
  it('saves settings that persist after a reload and refuses a bad time zone', async () => {
    const page = await signedInPage();
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByTestId('settings-defaults').waitFor();
    await page.getByLabel('Business name').fill('Acme Plumbing');
    await page.getByLabel('Time zone').fill('Mars/Olympus_Mons');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), POLL).toContain('IANA');

    await page.getByLabel('Time zone').fill('Europe/Moscow');
    await page.getByLabel('Default language').selectOption('ru');
    await page.getByLabel('Greeting').fill('Acme Plumbing, good day!');
    await page.getByLabel('Answer calls at any time').uncheck();
    await page.getByRole('button', { name: 'Add hours: Saturday' }).click();
    await page.getByLabel('Saturday 1: Closes').fill('14:00');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor(POLL);

    await page.reload();
    await expect.poll(() => page.getByLabel('Business name').inputValue(), POLL).toBe('Acme Plumbing');
    expect(await page.getByLabel('Time zone').inputValue()).toBe('Europe/Moscow');
    expect(await page.getByLabel('Default language').inputValue()).toBe('ru');
    expect(await page.getByLabel('Greeting').inputValue()).toBe('Acme Plumbing, good day!');
    expect(await page.getByLabel('Saturday 1: Opens').inputValue()).toBe('09:00');
    expect(await page.getByLabel('Saturday 1: Closes').inputValue()).toBe('14:00');
    expect(await page.getByTestId('settings-defaults').count()).toBe(0);
    await screenshot(page, 'settings');

    const saved = (await api('GET', '/api/settings')).json<Record<string, unknown>>();
    expect(saved).toMatchObject({ businessName: 'Acme Plumbing', timezone: 'Europe/Moscow', defaultLanguage: 'ru' });
    expect(saved.businessHours).toMatchObject({ sat: [{ open: '09:00', close: '14:00' }], sun: [] });
  });

  it('shows a simulated call with transcript, per-turn metrics and playable recordings', async () => {
    // Always open (the saved hours must not turn the call away), with our greeting.
    const settings = { businessName: 'Acme', timezone: 'UTC', businessHours: null, defaultLanguage: 'en' };
    expect((await api('PUT', '/api/settings', { ...settings, greeting: 'Acme here, good day!' })).statusCode).toBe(200);
    const sim = runtime.gsm!.simulator!;
    sim.audio.setCallerAudio(callerAudio(), 8000);
    expect((await api('POST', '/api/gsm/simulator/incoming-call', { number: '+15550002222' })).statusCode).toBe(200);

    const page = await signedInPage();
    await page.getByRole('link', { name: 'Phone (GSM)' }).click();
    const row = page.getByTestId('gsm-call-row').filter({ hasText: '+15550002222' });
    await row.waitFor(POLL);
    await row.getByRole('link', { name: /Open/ }).click();
    await page.waitForURL(/\/admin\/gsm\/calls\//);
    const transcript = page.getByTestId('call-transcript');
    await expect.poll(() => transcript.textContent(), POLL).toContain('We are open from nine to six.');
    expect(await transcript.textContent()).toContain('Acme here, good day!');
    expect(await transcript.textContent()).toContain('What are your opening hours?');

    expect((await api('POST', '/api/gsm/simulator/hangup')).statusCode).toBe(200);
    await expect.poll(() => page.getByTestId('call-status').textContent(), POLL).toBe('ended');
    const turns = page.getByTestId('turn-metrics');
    await turns.waitFor(POLL);
    expect(await turns.locator('tbody tr').count()).toBeGreaterThanOrEqual(1);
    expect(await turns.locator('thead').textContent()).toContain('voiceToVoiceMs');
    expect(await audioDuration(page, 'recording-caller')).toBeGreaterThan(1);
    expect(await audioDuration(page, 'recording-secretary')).toBeGreaterThan(0);
    await page
      .getByTestId('recording-caller')
      .locator('audio')
      .evaluate((a: HTMLAudioElement) => a.play());
    await screenshot(page, 'gsm-call');
  });

  it('dials out, sends tones and hangs up from the call page', async () => {
    const page = await signedInPage();
    await page.goto(`${base}/admin/gsm`);
    await page.getByLabel('Number to call').fill('+15550003333');
    await page.getByLabel('Task for the secretary').fill('Confirm the appointment');
    await page.getByRole('button', { name: 'Call', exact: true }).click();
    await page.waitForURL(/\/admin\/gsm\/calls\//);
    await expect.poll(() => page.getByTestId('call-status').textContent(), POLL).toBe('active');
    for (const key of ['1', '2', '#']) await page.getByRole('button', { name: key, exact: true }).click();
    expect(await page.getByLabel('Digits').inputValue()).toBe('12#');
    await page.getByRole('button', { name: 'Send tones' }).click();
    await page.getByRole('status').filter({ hasText: 'Sent 12#.' }).waitFor(POLL);
    expect(runtime.gsm?.simulator?.emulator.dtmfSent.join('')).toContain('12#');
    await page.getByTestId('hangup').click();
    await expect.poll(() => page.getByTestId('call-status').textContent(), POLL).toBe('ended');
    expect(await page.getByTestId('call-facts').textContent()).toContain('hung up by operator');
    expect(await audioDuration(page, 'recording-secretary')).toBeGreaterThan(0);
  });

  it('sends an SMS, groups the answer into its thread and replies there', async () => {
    const page = await signedInPage();
    await page.goto(`${base}/admin/gsm/sms`);
    await page.getByLabel('To (number)').fill('+79161234567');
    await page.getByLabel('Text').fill('Your appointment is at 10:00');
    await page.getByRole('button', { name: 'Send SMS' }).click();
    const thread = page.getByTestId('sms-thread-view');
    await thread.getByTestId('gsm-sms-row').filter({ hasText: 'Your appointment is at 10:00' }).waitFor(POLL);
    expect(await thread.getByRole('heading').textContent()).toContain('+79161234567');

    const answer = { from: '+79161234567', text: 'Thanks, see you then' };
    expect((await api('POST', '/api/gsm/simulator/sms', answer)).statusCode).toBe(200);
    await thread.getByTestId('gsm-sms-row').filter({ hasText: 'Thanks, see you then' }).waitFor(POLL);
    await page.getByLabel('Your reply').fill('Great, thank you!');
    await page.getByRole('button', { name: 'Reply' }).click();
    await thread.getByTestId('gsm-sms-row').filter({ hasText: 'Great, thank you!' }).waitFor(POLL);
    expect(await thread.getByTestId('gsm-sms-row').count()).toBe(3);
    expect(await page.getByTestId('sms-thread').filter({ hasText: '+79161234567' }).count()).toBe(1);
    await screenshot(page, 'gsm-sms');
  });

  it('runs AT+CSQ in the console (audited)', async () => {
    const page = await signedInPage();
    await page.goto(`${base}/admin/gsm`);
    await page.getByTestId('gsm-tab-gsm-console').click();
    await page.getByLabel('AT command').fill('AT+CSQ');
    await page.getByRole('button', { name: 'Run' }).click();
    const entry = page.getByTestId('at-entry').last();
    await expect.poll(() => entry.textContent(), POLL).toContain('+CSQ: 23,99');
    expect(await entry.textContent()).toContain('OK');
    await screenshot(page, 'gsm-console');
    const audit = (await api('GET', '/api/audit?action=gsm.')).json<{
      items: Array<{ action: string; details: { body?: { command?: string } } | null }>;
    }>();
    const commands = audit.items.filter((i) => i.action === 'gsm.at_command').map((i) => i.details?.body?.command);
    expect(commands).toContain('AT+CSQ');
  });

  it('shows a guest no console, no call or SMS controls and read-only settings', async () => {
    const guest = await runtime.createUser('guest', 'guest-gsm');
    const page = await signedInPage('guest-gsm', 'guest-gsm-password');
    await page.getByRole('link', { name: 'Phone (GSM)' }).click();
    await page.getByTestId('gsm-call-row').first().waitFor(POLL);
    expect(await page.getByTestId('gsm-tab-gsm-console').count()).toBe(0);
    expect(await page.getByTestId('dial-form').count()).toBe(0);
    await page.goto(`${base}/admin/gsm/console`);
    await page.waitForURL(/\/admin\/dashboard/);

    await page.goto(`${base}/admin/gsm/sms`);
    await page.getByTestId('sms-thread').first().click();
    await page.getByTestId('sms-thread-view').waitFor(POLL);
    expect(await page.getByTestId('sms-form').count()).toBe(0);
    expect(await page.getByLabel('Your reply').count()).toBe(0);

    await page.goto(`${base}/admin/gsm`);
    await page.getByTestId('gsm-call-row').first().getByRole('link', { name: /Open/ }).click();
    await page.getByTestId('call-facts').waitFor(POLL);
    expect(await page.getByText('Listening to recordings needs the user role.').count()).toBe(1);
    expect(await page.locator('audio').count()).toBe(0);

    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByTestId('settings-read-only').waitFor(POLL);
    expect(await page.getByLabel('Business name').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Save' }).count()).toBe(0);
    await screenshot(page, 'settings-guest');

    const forged = await api(
      'PUT',
      '/api/settings',
      { businessName: 'x', timezone: 'UTC', businessHours: null, greeting: '', defaultLanguage: 'en' },
      guest.token,
    );
    expect(forged.statusCode).toBe(403);
    expect((await api('POST', '/api/gsm/at', { command: 'AT' }, guest.token)).statusCode).toBe(403);
  });

  it('fits a phone screen (settings and call detail)', async () => {
    const page = await signedInPage('admin', TEST_ADMIN_PASSWORD, 390);
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await page.goto(`${base}/admin/settings`);
    await page.getByTestId('settings-form').waitFor(POLL);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(page, 'settings-phone');
    await page.goto(`${base}/admin/gsm`);
    await page.getByTestId('gsm-call-row').first().getByRole('link', { name: /Open/ }).click();
    await page.getByTestId('call-facts').waitFor(POLL);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(page, 'gsm-call-phone');
  });
});
