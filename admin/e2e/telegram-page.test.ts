import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { TelegramBotView } from '@ai-secretary/protocol';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeLlm, type FakeLlm } from '../../server/src/testing/fake-llm.js';
import { FakeTelegram } from '../../server/src/testing/fake-telegram/index.js';
import { bearer, createTestRuntime, TEST_ADMIN_PASSWORD, type TestRuntime } from '../../server/test/helpers/runtime.js';
import { ensureAdminBuilt, launchChromium, screenshot, signIn } from './browser.js';

// The Telegram page in headless Chromium against the real orchestrator: real grammY bot processes talk to the
// fake Bot API, and the bots answer through the LLM router with a fake OpenAI-compatible upstream.
// Bot processes take a while to start on a loaded machine: everything waits with expect.poll, no timing asserted.
const REPLY = ['We ', 'open ', 'at ', 'nine ', 'tomorrow.'];
const POLL = { timeout: 90_000, interval: 250 };
let runtime: TestRuntime;
let fake: FakeTelegram;
let llm: FakeLlm;
let browser: Browser;
let base: string;
const contexts: BrowserContext[] = [];

let tokens = 0;
/** A token shaped like @BotFather's, distinct per call. */
function botToken(): string {
  tokens++;
  return `${800_000_000 + tokens}:AAH${'y'.repeat(28)}${String(tokens).padStart(4, '0')}`;
}

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  return page;
}

async function adminApi(method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) {
  const headers = bearer(await runtime.adminToken());
  return runtime.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
}

async function openTelegramPage(page: Page): Promise<void> {
  await signIn(page, base, 'admin', TEST_ADMIN_PASSWORD);
  await page.getByRole('link', { name: 'Telegram', exact: true }).click();
  await page.waitForURL(/\/admin\/telegram$/);
}

const row = (page: Page, name: string) => page.locator(`tr[data-bot-name="${name}"]`);
const rowStatus = (page: Page, name: string) => row(page, name).getByTestId('bot-status').getAttribute('data-status');

/** One second of a tone as OGG/Opus, the format Telegram voice notes come in. */
function writeVoiceNote(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const args = ['-y', '-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-ar', '48000'];
  const result = spawnSync('ffmpeg', [...args, '-c:a', 'libopus', file], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ffmpeg failed: ${result.stderr}`);
}

beforeAll(async () => {
  ensureAdminBuilt();
  fake = new FakeTelegram();
  await fake.start();
  llm = await createFakeLlm({ tokens: REPLY });
  runtime = await createTestRuntime({
    env: { TELEGRAM_API_ROOT: fake.apiRoot, LLM_BASE_URL: llm.url, LLM_MODEL: 'fake-model' },
  });
  base = await runtime.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await runtime?.dispose();
  await llm?.close();
  await fake?.close();
});

describe('Telegram page in Chromium', { timeout: 240_000 }, () => {
  it("shows the server's message next to the token field for a wrong or malformed token, and creates nothing", async () => {
    const page = await newPage();
    await openTelegramPage(page);
    const form = page.getByTestId('create-telegram-bot-form');

    const refused = botToken(); // the fake Bot API does not know it: getMe answers 401
    const api = await adminApi('POST', '/api/telegram/bots', { name: 'Wrong', token: refused });
    expect(api.statusCode).toBe(400);
    const { code, message } = api.json<{ error: { code: string; message: string } }>().error;
    expect(code).toBe('TELEGRAM_TOKEN_REJECTED');
    await form.getByLabel('Name').fill('Wrong');
    await form.getByLabel('Bot token from @BotFather').fill(refused);
    await form.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => form.getByTestId('token-error').textContent(), POLL).toBe(message);
    expect(await form.getByLabel('Bot token from @BotFather').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'telegram-wrong-token');

    await form.getByLabel('Bot token from @BotFather').fill('not-a-token');
    await form.getByRole('button', { name: 'Create' }).click();
    await expect
      .poll(() => form.getByTestId('token-error').textContent(), POLL)
      .toBe('token must look like 123456789:AAE… (the token @BotFather gave)');
    expect(await page.getByTestId('telegram-bot-row').count()).toBe(0);
    const listed = await adminApi('GET', '/api/telegram/bots');
    expect(listed.json<{ items: unknown[] }>().items).toEqual([]);
  });

  it('creates a bot in the form, shows it running, and shows the conversation it had through the fake Bot API', async () => {
    const token = botToken();
    fake.addBot({ token, username: 'support_bot' });
    const page = await newPage();
    await openTelegramPage(page);
    const form = page.getByTestId('create-telegram-bot-form');
    await form.getByLabel('Name').fill('Support');
    await form.getByLabel('Bot token from @BotFather').fill(token);
    await form.getByLabel('Persona').selectOption('secretary');
    await form.getByLabel('Bot language').selectOption('en');
    await form.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => form.getByRole('status').textContent(), POLL).toBe('Support created.');
    expect(await form.getByTestId('token-error').count()).toBe(0);

    // Live status: the list re-reads it while the bot's process starts and connects to Telegram.
    await expect.poll(() => rowStatus(page, 'Support'), POLL).toBe('running');
    const cells = (await row(page, 'Support').locator('td').allTextContents()).map((text) => text.trim());
    expect(cells.slice(0, 5)).toEqual(['Support', '@support_bot', 'Running', 'secretary', 'en']);
    expect(cells[5]).toMatch(/^8\d+:….{4}$/);
    expect(await page.content()).not.toContain(token);
    await screenshot(page, 'telegram-bots');

    await row(page, 'Support').getByRole('link', { name: 'Support' }).click();
    await page.waitForURL(/\/admin\/telegram\/[^/]+$/);
    expect(await page.getByTestId('telegram-bot-title').textContent()).toContain('@support_bot');
    const chats = page.getByTestId('telegram-bot-chats');
    await chats.getByText('Nobody has written to this bot yet.').waitFor();

    // A Telegram user writes; the bot answers through the LLM; the panel shows the chat without a reload.
    const chatId = 5001;
    fake.userSends(token, { chatId, from: { id: chatId, firstName: 'Ann' }, text: 'When do you open?' });
    await expect.poll(() => fake.messagesTo(chatId), POLL).toEqual(['We open at nine tomorrow.']);
    const chat = chats.locator(`[data-testid="telegram-chat"][data-chat-id="${chatId}"]`);
    await chat.waitFor({ timeout: POLL.timeout });
    await chat.click();
    await expect
      .poll(() => chats.getByTestId('turn-reply').allTextContents(), POLL)
      .toEqual(['We open at nine tomorrow.']);
    expect(await chats.getByTestId('turn-text').allTextContents()).toEqual(['When do you open?']);
    expect(await chats.getByTestId('telegram-turn-bot').getAttribute('data-status')).toBe('answered');
    await screenshot(page, 'telegram-conversation');

    // A voice turn (stored as the bot stores one) plays in the page from an authenticated fetch.
    const bot = (await adminApi('GET', '/api/telegram/bots')).json<{ items: TelegramBotView[] }>().items[0]!;
    writeVoiceNote(path.join(runtime.config.dataDir, 'telegram', 'e2e', 'note.ogg'));
    const now = Date.now();
    await runtime.stores.telegram.turns.claim({
      id: 'e2e-voice-turn',
      botId: bot.id,
      updateId: 999_999,
      chatId,
      userId: chatId,
      userName: 'Ann',
      kind: 'voice',
      text: 'Are you open on Sunday?',
      reply: 'Yes, from ten.',
      replyVoice: false,
      status: 'answered',
      delivered: true,
      audioPath: 'e2e/note.ogg',
      createdAt: now,
      updatedAt: now,
    });
    const audio = chats.getByTestId('turn-audio');
    await audio.waitFor({ timeout: POLL.timeout });
    expect(await audio.getAttribute('src')).toMatch(/^blob:/);
    await expect
      .poll(() => audio.evaluate((el: HTMLAudioElement) => (Number.isFinite(el.duration) ? el.duration : 0)), POLL)
      .toBeGreaterThan(0.5);
    expect(await chats.getByTestId('turn-text').allTextContents()).toEqual([
      'When do you open?',
      'Are you open on Sunday?',
    ]);

    // Per-bot usage: the reply was one LLM request recorded for this bot instance.
    await page.getByRole('tab', { name: 'Usage' }).click();
    const usage = page.getByTestId('telegram-bot-usage');
    await expect
      .poll(
        async () => (await usage.getByTestId('telegram-usage-row').first().locator('td').nth(1).textContent())?.trim(),
        POLL,
      )
      .toBe('1');

    // Subscribers: someone who came through a deep link, with its source.
    fake.userSends(token, {
      chatId: chatId + 1,
      from: { id: chatId + 1, username: 'flyer_reader' },
      text: '/start flyer_7',
    });
    await page.getByRole('tab', { name: 'Subscribers' }).click();
    const subscribers = page.getByTestId('telegram-bot-subscribers');
    await expect
      .poll(async () => (await subscribers.locator('tbody tr').allTextContents()).join(' '), POLL)
      .toContain('flyer_7');
    expect(await subscribers.locator('tbody tr').first().textContent()).toContain('@flyer_reader');

    await page.getByRole('tab', { name: 'Logs' }).click();
    await expect.poll(() => page.getByTestId('telegram-bot-logs').locator('pre').count(), POLL).toBe(1);
    expect(await page.getByTestId('telegram-bot-logs').textContent()).not.toContain(token);
    await screenshot(page, 'telegram-logs');
  });

  it('saves settings with a menu button, and stops and starts the bot', async () => {
    const page = await newPage();
    await openTelegramPage(page);
    await row(page, 'Support').getByRole('link', { name: 'Support' }).click();
    await page.getByRole('tab', { name: 'Settings' }).click();
    const settings = page.getByTestId('telegram-bot-settings');
    await settings.getByLabel('Messages per user').fill('5');
    await settings.getByLabel('Per window, seconds').fill('30');
    await settings.getByLabel('Allowed user ids (empty: everyone)').fill('5001, 5002');
    await settings.getByLabel('Voice replies').selectOption('voice');
    await settings.getByLabel('Greeting on /start (empty: the default greeting)').fill('Hello from Support!');
    await settings.getByRole('button', { name: 'Add a button' }).click();
    const button = settings.getByTestId('menu-button');
    await button.getByLabel('Label').fill('Opening hours');
    await button.getByLabel('Text').fill('Nine to six, every day.');
    await settings.getByRole('button', { name: 'Add a button' }).click();
    const link = settings.getByTestId('menu-button').nth(1);
    await link.getByLabel('Label').fill('Website');
    await link.getByLabel('Action').selectOption('link');
    await link.getByLabel('URL').fill('https://shop.example');
    await settings.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => settings.getByRole('status').textContent(), POLL).toBe('Saved.');

    const bot = (await adminApi('GET', '/api/telegram/bots')).json<{ items: TelegramBotView[] }>().items[0]!;
    expect(bot).toMatchObject({
      rateLimit: { messages: 5, windowSeconds: 30 },
      allowedUsers: [5001, 5002],
      voiceReplies: 'voice',
      greeting: 'Hello from Support!',
      menu: [
        { label: 'Opening hours', action: 'answer', text: 'Nine to six, every day.' },
        { label: 'Website', action: 'link', url: 'https://shop.example' },
      ],
    });
    await screenshot(page, 'telegram-settings');

    // A user id that is not one: the form says which, nothing is sent.
    await settings.getByLabel('Blocked user ids').fill('12 abc');
    await settings.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => settings.getByRole('alert').textContent(), POLL)
      .toBe('Blocked user ids: “abc” is not a Telegram user id.');

    const status = () => page.locator('.page-head').getByTestId('bot-status').getAttribute('data-status');
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await expect.poll(status, POLL).toBe('stopped');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect.poll(status, POLL).toBe('running');
  });

  it('has no nav entry for users, and sends them back from its URL', async () => {
    const someone = await runtime.createUser('user', 'telegram-user');
    const page = await newPage();
    await signIn(page, base, someone.username, `${someone.username}-password`);
    await page.getByRole('link', { name: 'Dashboard' }).waitFor();
    expect(await page.getByRole('link', { name: 'Telegram', exact: true }).count()).toBe(0);
    await page.goto(`${base}/admin/telegram`);
    await page.waitForURL(/\/admin\/dashboard/);
    expect(await page.getByTestId('create-telegram-bot-form').count()).toBe(0);
  });
});
