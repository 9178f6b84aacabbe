import type { DiscordBotView } from '@ai-secretary/protocol';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../../server/src/testing/fake-discord/index.js';
import { createFakeLlm, type FakeLlm } from '../../server/src/testing/fake-llm.js';
import { bearer, createTestRuntime, TEST_ADMIN_PASSWORD, type TestRuntime } from '../../server/test/helpers/runtime.js';
import { ensureAdminBuilt, launchChromium, screenshot, signIn } from './browser.js';

// The Discord page in headless Chromium against the real orchestrator: a real discord.js bot process talks to
// the fake Discord (REST + gateway), and the bot answers through the LLM router with a fake upstream.
// Bot processes take a while to start on a loaded machine: everything waits with expect.poll, no timing asserted.
const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.fake.discord-e2e-token';
const WRONG_TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.nope.unknown-token';
const BOT_ID = '111111111111111111';
const GUILD = '222222222222222222';
const GENERAL = '333333333333333333';
const HELP = '333333333333333334';
const ALICE = { id: '444444444444444444', username: 'alice' };
const REPLY = ['We ', 'open ', 'at ', 'nine ', 'tomorrow.'];
const ANSWER = 'We open at nine tomorrow.';
const TOKEN_LABEL = 'Bot token from the Discord developer portal';
const POLL = { timeout: 90_000, interval: 250 };
let runtime: TestRuntime;
let fake: FakeDiscord;
let llm: FakeLlm;
let browser: Browser;
let base: string;
const contexts: BrowserContext[] = [];

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

const listed = async () => (await adminApi('GET', '/api/discord/bots')).json<{ items: DiscordBotView[] }>().items;

async function openDiscordPage(page: Page): Promise<void> {
  await signIn(page, base, 'admin', TEST_ADMIN_PASSWORD);
  await page.getByRole('link', { name: 'Discord', exact: true }).click();
  await page.waitForURL(/\/admin\/discord$/);
}

const row = (page: Page, name: string) => page.locator(`tr[data-bot-name="${name}"]`);
const rowStatus = (page: Page, name: string) => row(page, name).getByTestId('bot-status').getAttribute('data-status');
const texts = (channelId: string) => fake.messagesIn(channelId).map((m) => m.content);

beforeAll(async () => {
  ensureAdminBuilt();
  fake = new FakeDiscord({ heartbeatIntervalMs: 1000 });
  const { restRoot } = await fake.start();
  fake.addBot({ token: TOKEN, id: BOT_ID, username: 'secretary' });
  fake.addGuild({
    id: GUILD,
    name: 'Shop',
    channels: [
      { id: GENERAL, name: 'general' },
      { id: HELP, name: 'help' },
    ],
  });
  llm = await createFakeLlm({ tokens: REPLY });
  llm.autoToolCall = false; // the assertions are about the text answer
  runtime = await createTestRuntime({
    env: {
      DISCORD_API_ROOT: restRoot,
      LLM_BASE_URL: llm.url,
      LLM_MODEL: 'fake-model',
      PROCESS_HEARTBEAT_INTERVAL_MS: '1000',
    },
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

describe('Discord page in Chromium', { timeout: 240_000 }, () => {
  it("shows the server's message next to the token field for a token Discord refuses, and creates nothing", async () => {
    const page = await newPage();
    await openDiscordPage(page);
    const form = page.getByTestId('create-discord-bot-form');
    const api = await adminApi('POST', '/api/discord/bots', { name: 'Wrong', token: WRONG_TOKEN });
    expect(api.statusCode).toBe(400);
    const { code, message } = api.json<{ error: { code: string; message: string } }>().error;
    expect(code).toBe('DISCORD_TOKEN_REJECTED');

    await form.getByLabel('Name').fill('Wrong');
    await form.getByLabel(TOKEN_LABEL).fill(WRONG_TOKEN);
    await form.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => form.getByTestId('token-error').textContent(), POLL).toBe(message);
    expect(await form.getByLabel(TOKEN_LABEL).getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'discord-wrong-token');

    await form.getByLabel(TOKEN_LABEL).fill('not a token');
    await form.getByRole('button', { name: 'Create' }).click();
    await expect
      .poll(() => form.getByTestId('token-error').textContent(), POLL)
      .toBe('token must look like MTIz….Gx….abc… (the bot token from the developer portal)');
    expect(await page.getByTestId('discord-bot-row').count()).toBe(0);
    expect(await listed()).toEqual([]);
  });

  it('creates a bot, shows it running, and shows the conversation after a user mentions it', async () => {
    const page = await newPage();
    await openDiscordPage(page);
    const form = page.getByTestId('create-discord-bot-form');
    await form.getByLabel('Name').fill('Support');
    await form.getByLabel(TOKEN_LABEL).fill(TOKEN);
    await form.getByLabel('Bot language').selectOption('en');
    await form.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => form.getByRole('status').textContent(), POLL).toBe('Support created.');
    expect(await form.getByTestId('token-error').count()).toBe(0);

    // Live status: the list re-reads it while the process starts and the gateway says READY.
    await expect.poll(() => rowStatus(page, 'Support'), POLL).toBe('running');
    const cells = (await row(page, 'Support').locator('td').allTextContents()).map((text) => text.trim());
    expect(cells.slice(0, 5)).toEqual(['Support', 'secretary', 'Running', 'secretary', 'en']);
    await expect.poll(async () => row(page, 'Support').getByTestId('bot-process').textContent(), POLL).toMatch(/MB/);
    expect(await page.content()).not.toContain(TOKEN);
    await screenshot(page, 'discord-bots');

    await row(page, 'Support').getByRole('link', { name: 'Support' }).click();
    await page.waitForURL(/\/admin\/discord\/[^/]+$/);
    expect(await page.getByTestId('discord-bot-title').textContent()).toContain('secretary');
    const channels = page.getByTestId('discord-bot-channels');
    await channels.getByText('Nobody has talked to this bot yet.').waitFor();
    // The server reports the bot's servers (GET /api/discord/bots/:id/guilds): the Servers tab lists them.
    await expect
      .poll(() => page.getByRole('tab').allTextContents(), POLL)
      .toEqual(['Conversations', 'Settings', 'Logs', 'Servers']);
    await page.getByRole('tab', { name: 'Servers' }).click();
    const servers = page.getByTestId('discord-bot-servers');
    await expect
      .poll(async () => (await servers.locator('li').allTextContents()).map((text) => text.trim()), POLL)
      .toEqual(['Shop']);
    // Per-server settings: a daily token limit, #help answered without a mention, #general cancels a running answer.
    const serverForm = servers.getByTestId('discord-server-form');
    await serverForm.getByLabel('Tokens per day', { exact: true }).fill('5000');
    await serverForm.getByLabel('Answers without a mention: #help').check();
    await serverForm.getByLabel('A new message while answering: #general').selectOption('cancel');
    await serverForm.getByRole('button', { name: 'Save server settings' }).click();
    await expect.poll(() => serverForm.getByRole('status').textContent(), POLL).toBe('Saved.');
    const support = (await listed()).find((b) => b.name === 'Support')!;
    const [guild] = (await adminApi('GET', `/api/discord/bots/${support.id}/guilds`)).json<{
      items: Array<{ dailyTokenLimit: number | null; channels: string[]; channelChoices: unknown[] }>;
    }>().items;
    expect(guild).toMatchObject({
      dailyTokenLimit: 5000,
      channels: [HELP],
      channelChoices: [{ channelId: GENERAL, route: null, persona: null, whileAnswering: 'cancel' }],
    });
    // a limit that is not a whole positive number is refused by the server and shown; nothing changes
    await serverForm.getByLabel('Tokens per day', { exact: true }).fill('0');
    await serverForm.getByRole('button', { name: 'Save server settings' }).click();
    await expect.poll(() => serverForm.getByRole('alert').count(), POLL).toBeGreaterThan(0);
    await screenshot(page, 'discord-servers');
    await page.getByRole('tab', { name: 'Conversations' }).click();

    fake.userSays({ channelId: GENERAL, author: ALICE, content: 'When do you open?', mentionsBot: true });
    await expect.poll(() => texts(GENERAL), POLL).toEqual([ANSWER]);
    const channel = channels.locator(`[data-testid="discord-channel"][data-channel-id="${GENERAL}"]`);
    await channel.waitFor({ timeout: POLL.timeout });
    await channel.click();
    await expect.poll(() => channels.getByTestId('turn-reply').allTextContents(), POLL).toEqual([ANSWER]);
    expect(await channels.getByTestId('turn-text').allTextContents()).toEqual([`When do you open?`]);
    expect(await channels.getByTestId('discord-turn-bot').getAttribute('data-status')).toBe('answered');
    await screenshot(page, 'discord-conversation');

    await page.getByRole('tab', { name: 'Logs' }).click();
    await expect.poll(() => page.getByTestId('discord-bot-logs').locator('pre').count(), POLL).toBe(1);
    expect(await page.getByTestId('discord-bot-logs').textContent()).not.toContain(TOKEN);
  });

  it('saves an auto-reply channel the bot then answers in unmentioned, refuses a bad id, and stops the bot', async () => {
    const page = await newPage();
    await openDiscordPage(page);
    await row(page, 'Support').getByRole('link', { name: 'Support' }).click();
    await page.getByRole('tab', { name: 'Settings' }).click();
    const settings = page.getByTestId('discord-bot-settings');
    await settings.getByLabel('Auto-reply channel ids (empty: mentions, replies and DMs only)').fill(HELP);
    await settings.getByLabel('Blocked user ids').fill('555555555555555555');
    await settings.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => settings.getByRole('status').textContent(), POLL).toBe('Saved.');
    expect((await listed())[0]).toMatchObject({ channels: [HELP], blockedUsers: ['555555555555555555'] });
    await screenshot(page, 'discord-settings');

    // The running bot took the new setting: it answers in #help without being mentioned.
    fake.userSays({ channelId: HELP, author: ALICE, content: 'Are you open today?' });
    await expect.poll(() => texts(HELP), POLL).toEqual([ANSWER]);

    await settings.getByLabel('Allowed user ids (empty: everyone)').fill('12 abc');
    await settings.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => settings.getByRole('alert').textContent(), POLL)
      .toBe('Allowed user ids (empty: everyone): “12” is not a Discord id.');
    expect((await listed())[0]?.allowedUsers).toEqual([]);

    const status = () => page.locator('.page-head').getByTestId('bot-status').getAttribute('data-status');
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await expect.poll(status, POLL).toBe('stopped');
    expect((await listed())[0]?.status).toBe('stopped');
  });

  it('has no nav entry for users, and sends them back from its URL', async () => {
    const someone = await runtime.createUser('user', 'discord-user');
    const page = await newPage();
    await signIn(page, base, someone.username, `${someone.username}-password`);
    await page.getByRole('link', { name: 'Dashboard' }).waitFor();
    expect(await page.getByRole('link', { name: 'Discord', exact: true }).count()).toBe(0);
    await page.goto(`${base}/admin/discord`);
    await page.waitForURL(/\/admin\/dashboard/);
    expect(await page.getByTestId('create-discord-bot-form').count()).toBe(0);
  });
});
