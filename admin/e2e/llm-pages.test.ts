import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeLlm, type FakeLlm } from '../../server/src/testing/fake-llm.js';
import { bearer, createTestRuntime, TEST_ADMIN_PASSWORD, type TestRuntime } from '../../server/test/helpers/runtime.js';
import { ensureAdminBuilt, launchChromium, screenshot, signIn } from './browser.js';

// The FAQ, chat test and messages pages in headless Chromium against the real orchestrator on a real port.
let runtime: TestRuntime;
let upstream: FakeLlm;
let browser: Browser;
let base: string;
const contexts: BrowserContext[] = [];
const POLL = { timeout: 20_000 };
const MESSAGE_ID = '44444444-4444-4444-8444-444444444444';

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } });
  contexts.push(context);
  const page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  return page;
}

/** A hand-written request with the page's own access token (what a curious guest could send). */
async function forgedRequest(page: Page, method: string, url: string, body: unknown) {
  return page.evaluate(
    async ({ method, url, body }) => {
      const session = JSON.parse(localStorage.getItem('secretary.session') ?? '{}') as { accessToken?: string };
      const response = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${session.accessToken ?? ''}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as { error?: { code: string } } };
    },
    { method, url, body },
  );
}

beforeAll(async () => {
  ensureAdminBuilt();
  upstream = await createFakeLlm({ models: ['fake-model'], tokens: ['Hello', ' from', ' the', ' model.'] });
  runtime = await createTestRuntime({ env: { LLM_BASE_URL: upstream.url, LLM_MODEL: 'fake-model' } });
  base = await runtime.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await runtime?.dispose();
  await upstream?.close();
});

describe('LLM, chat and messages pages in Chromium', { timeout: 90_000 }, () => {
  it('creates an FAQ entry, tests a question, and the chat page streams its instant answer', async () => {
    const page = await newPage();
    await signIn(page, base, 'admin', TEST_ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'FAQ' }).click();
    const form = page.getByTestId('faq-form');
    await form.getByLabel('Questions (one per line)').fill('What are your opening hours?\nWhen are you open?');
    await form.getByLabel('Answer').fill('We are open from 9 to 18, Monday to Friday.');
    await form.getByRole('button', { name: 'Create' }).click();
    await page.getByTestId('faq-row').filter({ hasText: 'When are you open?' }).waitFor();

    const tester = page.getByTestId('faq-test-form');
    await tester.getByLabel('Question').fill('what are your opening hours');
    await tester.getByRole('button', { name: 'Check' }).click();
    await expect.poll(() => page.getByTestId('faq-test-result').textContent(), POLL).toContain('9 to 18');
    await tester.getByLabel('Question').fill('how do I repair a bicycle chain');
    await tester.getByRole('button', { name: 'Check' }).click();
    await expect.poll(() => page.getByTestId('faq-test-result').textContent(), POLL).toContain('No entry matches');
    await screenshot(page, 'faq');

    await page.getByRole('link', { name: 'Chat test' }).click();
    await page.getByLabel('Message').fill('What are your opening hours?');
    await page.getByRole('button', { name: 'Send' }).click();
    const reply = page.getByTestId('chat-reply').last();
    await expect.poll(() => reply.textContent(), POLL).toContain('We are open from 9 to 18, Monday to Friday.');
    expect(await reply.getByTestId('faq-badge').textContent()).toContain('Instant answer');
    await screenshot(page, 'chat');

    // The answer was counted as a hit: the FAQ list shows it.
    const list = await runtime.app.inject({
      url: '/api/llm/faq',
      headers: bearer((await runtime.login('admin', TEST_ADMIN_PASSWORD)).accessToken),
    });
    const items = list.json<{ items: Array<{ answer: string; hits: number }> }>().items;
    expect(items.find((item) => item.answer.startsWith('We are open'))?.hits).toBe(1);
  });

  it('shows a guest the FAQ without edit controls, and the API refuses the guest a forged write', async () => {
    const guest = await runtime.createUser('guest', 'faq-reader');
    const page = await newPage();
    await signIn(page, base, guest.username, `${guest.username}-password`);
    await page.getByRole('link', { name: 'FAQ' }).click();
    await page.getByTestId('faq-row').first().waitFor();
    expect(await page.getByTestId('faq-form').count()).toBe(0);
    expect(await page.getByTestId('faq-test-form').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Edit' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    await screenshot(page, 'faq-guest');

    const forged = await forgedRequest(page, 'POST', '/api/llm/faq', { questions: ['forged?'], answer: 'forged' });
    expect(forged).toEqual({ status: 403, body: { error: expect.objectContaining({ code: 'FORBIDDEN' }) } });
    const admin = await runtime.login('admin', TEST_ADMIN_PASSWORD);
    const list = await runtime.app.inject({ url: '/api/llm/faq', headers: bearer(admin.accessToken) });
    expect(JSON.stringify(list.json())).not.toContain('forged');

    // The chat page: a guest may not send (the server refuses /v1 writes to guests too).
    await page.getByRole('link', { name: 'Chat test' }).click();
    expect(await page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    const chat = await forgedRequest(page, 'POST', '/v1/chat/completions', {
      model: 'secretary',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(chat.status).toBe(403);
  });

  it('lists a taken message and marks it handled', async () => {
    await runtime.stores.conversations.addMessage({
      id: MESSAGE_ID,
      conversationId: null,
      channel: 'gsm',
      source: 'llm',
      callerName: 'Anna Petrova',
      callbackNumber: '+79161234567',
      reason: 'Move the appointment',
      createdAt: Date.now(),
      handledAt: null,
      handledBy: null,
    });
    const page = await newPage();
    await signIn(page, base, 'admin', TEST_ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Messages' }).click();
    const row = page.getByTestId('message-row').filter({ hasText: 'Anna Petrova' });
    await row.waitFor();
    await screenshot(page, 'messages');
    await row.getByRole('button', { name: 'Mark handled' }).click();
    await expect.poll(() => page.getByTestId('message-row').filter({ hasText: 'Anna Petrova' }).count(), POLL).toBe(0);
    await page.getByTestId('messages-filter').selectOption('handled');
    await expect.poll(() => row.textContent(), POLL).toContain('Handled');
  });

  it('streams an LLM reply on the chat page when the FAQ has no answer', async () => {
    const page = await newPage();
    await signIn(page, base, 'admin', TEST_ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Chat test' }).click();
    await page.getByLabel('Message').fill('Tell me something unrelated');
    await page.getByRole('button', { name: 'Send' }).click();
    const reply = page.getByTestId('chat-reply').last();
    await expect.poll(() => reply.textContent(), POLL).toContain('Hello from the model.');
    expect(await reply.getByTestId('faq-badge').count()).toBe(0);
    expect(upstream.requests.at(-1)?.body).toMatchObject({ stream: true });
  });

  it('adds a provider, tests it, moves it up and disables it; edits a persona with a live preview', async () => {
    const page = await newPage();
    await signIn(page, base, 'admin', TEST_ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'LLM providers' }).click();
    await page.locator('tr[data-provider="local-vllm"]').waitFor();
    const form = page.getByTestId('provider-form');
    await form.getByLabel('Name', { exact: true }).fill('backup');
    await form.locator('select[name="type"]').selectOption('custom');
    await form.getByLabel('Base URL (empty: the default for the type)').fill(upstream.url);
    await form.getByLabel('Models (comma-separated)').fill('fake-model');
    await form.getByRole('button', { name: 'Create' }).click();
    const row = page.locator('tr[data-provider="backup"]');
    await row.waitFor();
    await row.getByRole('button', { name: 'Test' }).click();
    await expect.poll(() => row.getByTestId('provider-test').textContent(), POLL).toMatch(/OK in \d+ ms, 1 models/);
    await row.getByRole('button', { name: 'Move backup up' }).click();
    await expect.poll(() => page.locator('tbody tr').first().getAttribute('data-provider'), POLL).toBe('backup');
    await row.getByRole('button', { name: 'Disable' }).click();
    await expect.poll(() => row.textContent(), POLL).toContain('Off');
    // The fake upstream listens on loopback, so it starts as local; the admin says it stands for a cloud service.
    const where = page.getByTestId('provider-local-backup');
    expect(await where.textContent()).toMatch(/local/);
    await where.click();
    await expect.poll(() => where.textContent(), POLL).toMatch(/cloud/);
    await screenshot(page, 'providers');
    const admin = await runtime.login('admin', TEST_ADMIN_PASSWORD);
    const listed = await runtime.app.inject({ url: '/api/llm/providers', headers: bearer(admin.accessToken) });
    const items = listed.json<{ items: Array<{ name: string; enabled: boolean; local: boolean }> }>().items;
    expect(items.map((p) => [p.name, p.enabled, p.local])).toEqual([
      ['backup', false, false],
      ['local-vllm', true, true],
    ]);

    await page.getByRole('link', { name: 'Personas' }).click();
    await page.getByTestId('persona-row').filter({ hasText: 'secretary-ru' }).waitFor();
    await page.getByTestId('persona-row').first().getByRole('button', { name: 'Edit' }).click();
    const persona = page.getByTestId('persona-form');
    await persona.getByLabel('Business name').fill('Acme Dental');
    await persona.getByLabel('System prompt').fill('You answer for ');
    await persona.getByRole('button', { name: '{business_name}' }).click();
    await persona.getByLabel(/Local only/).check();
    await expect.poll(() => page.getByTestId('persona-preview').textContent(), POLL).toBe('You answer for Acme Dental');
    await screenshot(page, 'personas');
    await persona.getByRole('button', { name: 'Save' }).click();
    await persona.waitFor({ state: 'detached' });
    const personas = await runtime.app.inject({ url: '/api/llm/personas', headers: bearer(admin.accessToken) });
    expect(personas.json<{ items: Array<{ businessName: string; systemPrompt: string }> }>().items).toContainEqual(
      expect.objectContaining({
        businessName: 'Acme Dental',
        systemPrompt: 'You answer for {business_name}',
        localOnly: true,
      }),
    );
  });
});
