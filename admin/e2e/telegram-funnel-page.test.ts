import type { TelegramBotView } from '@ai-secretary/protocol';
import type { Message } from 'grammy/types';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createFakeLlm, type FakeLlm } from '../../server/src/testing/fake-llm.js';
import { FakeTelegram } from '../../server/src/testing/fake-telegram/index.js';
import { bearer, createTestRuntime, TEST_ADMIN_PASSWORD, type TestRuntime } from '../../server/test/helpers/runtime.js';
import { quizFunnel } from '../../server/test/telegram/funnel-fixture.js';
import { ensureAdminBuilt, launchChromium, screenshot, signIn } from './browser.js';

// The funnel editor, its preview and the analytics in headless Chromium against the real orchestrator, with a
// real grammY bot process on the fake Bot API. Everything waits with expect.poll; no timing asserted.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 180_000 });
const POLL = { timeout: 90_000, interval: 250 };
const TOKEN = `900000001:AAH${'z'.repeat(28)}0001`;
const CHAT = 7301;
let runtime: TestRuntime;
let fake: FakeTelegram;
let llm: FakeLlm;
let browser: Browser;
let base: string;
let bot: TelegramBotView;
const contexts: BrowserContext[] = [];

async function adminApi(method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) {
  const headers = bearer(await runtime.adminToken());
  return runtime.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
}

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 1000 } });
  contexts.push(context);
  return context.newPage();
}

const botMessages = (): Message[] => fake.messages(CHAT, TOKEN).filter((m) => m.from?.is_bot);
/** Does something as the Telegram user, then waits for the bot's message matching `expected`. */
async function expectBot(act: () => void, expected: RegExp): Promise<void> {
  const before = botMessages().length;
  act();
  await expect
    .poll(
      () =>
        botMessages()
          .slice(before)
          .map((m) => m.text ?? ''),
      POLL,
    )
    .toContainEqual(expect.stringMatching(expected));
}
const from = { id: CHAT, firstName: 'Eve', languageCode: 'en' };
const says = (text: string, expected: RegExp) =>
  expectBot(() => fake.userSends(TOKEN, { chatId: CHAT, from, text }), expected);
const presses = (data: string, expected: RegExp) =>
  expectBot(() => fake.userPresses(TOKEN, { chatId: CHAT, from, data }), expected);

beforeAll(async () => {
  ensureAdminBuilt();
  fake = new FakeTelegram();
  await fake.start();
  fake.addBot({ token: TOKEN, username: 'funnel_bot' });
  llm = await createFakeLlm({ tokens: ['Fine.'] });
  runtime = await createTestRuntime({
    env: { TELEGRAM_API_ROOT: fake.apiRoot, LLM_BASE_URL: llm.url, LLM_MODEL: 'fake-model' },
  });
  base = await runtime.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchChromium();
  const created = await adminApi('POST', '/api/telegram/bots', { name: 'Quiz', token: TOKEN, language: 'en' });
  bot = created.json<TelegramBotView>();
  expect((await adminApi('PUT', `/api/telegram/bots/${bot.id}/funnel`, { definition: quizFunnel() })).statusCode).toBe(
    200,
  );
}, 180_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await runtime?.dispose();
  await llm?.close();
  await fake?.close();
});

describe('Telegram funnel pages', () => {
  it('edits a step and publishes it, previews the walk, and shows the funnel chart after a real walk', async () => {
    await expect
      .poll(async () => (await adminApi('GET', `/api/telegram/bots/${bot.id}`)).json<TelegramBotView>().status, POLL)
      .toBe('running');
    const page = await newPage();
    await signIn(page, base, 'admin', TEST_ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Telegram', exact: true }).click();
    await page.locator('tr[data-bot-name="Quiz"]').getByRole('link', { name: 'Quiz' }).click();
    await page.waitForURL(/\/admin\/telegram\/[^/]+$/);
    await page.getByRole('tab', { name: 'Funnel' }).click();
    const editor = page.getByTestId('telegram-bot-funnel');
    await expect.poll(() => editor.getByTestId('funnel-versions').textContent(), POLL).toContain('draft: v1');

    // A bad step (JSON that does not parse, then a step leading nowhere) is refused with the reason.
    await editor.locator('button[data-step="name"]').click();
    await editor.getByTestId('funnel-step-json').fill('{ "id": "name", ');
    await editor.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => editor.getByRole('alert').textContent(), POLL).toContain('not valid JSON');
    const broken = { ...quizFunnel().steps.find((s) => s.id === 'name')!, next: 'nowhere' };
    await editor.getByTestId('funnel-step-json').fill(JSON.stringify(broken));
    await editor.getByRole('button', { name: 'Publish' }).click();
    await expect
      .poll(() => editor.getByRole('alert').textContent(), POLL)
      .toContain('step "name" leads to "nowhere", which does not exist');

    // Fix it and change its English text, then publish.
    const fixed = { ...broken, next: 'phone' };
    await editor.getByTestId('funnel-step-json').fill(JSON.stringify(fixed));
    await editor.locator('button[data-step="phone"]').click();
    await editor.locator('button[data-step="name"]').click();
    await editor.getByTestId('funnel-text-en').fill('What should we call you?');
    await editor.getByRole('button', { name: 'Publish' }).click();
    await expect.poll(() => editor.getByRole('status').textContent(), POLL).toContain('Published');
    await expect.poll(() => editor.getByTestId('funnel-versions').textContent(), POLL).toContain('Published: v1');

    // The preview walks it as a user would.
    const preview = editor.getByTestId('funnel-preview');
    await preview.getByTestId('funnel-preview-start').click();
    await preview.getByRole('button', { name: "Let's go" }).click();
    await expect.poll(() => preview.textContent(), POLL).toContain('What should we call you?');
    await preview.getByTestId('funnel-preview-text').fill('Eve');
    await preview.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => preview.textContent(), POLL).toContain('Your phone number');
    await screenshot(page, 'telegram-funnel-editor');

    // A Telegram user walks the published funnel to the diy offer and asks for a manager.
    await says('/start spring_ad', /^(Welcome|Hi) \(v1\)/);
    await presses('funnel:go:welcome:0', /What should we call you\?/);
    await says('Eve', /Your phone number/);
    await says('+7 912 345 67 89', /How technical/);
    await presses('funnel:go:tech:0', /Do you have a server/);
    await presses('funnel:go:infra:0', /The DIY kit/);
    await presses('funnel:manager:offer-diy', /A manager will contact you/);

    await page.getByRole('tab', { name: 'Analytics' }).click();
    const chart = page.getByTestId('funnel-chart');
    const count = (stage: string) =>
      chart.locator(`li[data-stage="${stage}"]`).getByTestId('stage-count').textContent();
    await expect.poll(() => count('started'), POLL).toBe('1');
    expect(await count('offered')).toBe('1');
    expect(await count('managers')).toBe('1');
    expect(await page.getByTestId('funnel-conversion').textContent()).toContain('100%');
    expect(await page.getByTestId('analytics-segments').textContent()).toContain('diy');
    expect(await page.getByTestId('analytics-sources').textContent()).toContain('spring_ad');
    expect(await page.getByTestId('steps-chart').locator('li[data-step="name"]').textContent()).toContain(
      '1 shown, 1 answered',
    );
    await screenshot(page, 'telegram-funnel-analytics');

    await page.getByRole('tab', { name: 'Subscribers' }).click();
    const subscribers = page.getByTestId('telegram-bot-subscribers');
    await expect.poll(() => subscribers.locator('tbody').textContent(), POLL).toContain('diy');
    expect(await subscribers.locator('tbody').textContent()).toContain('name: Eve');
  });
});
