import type { ProductView, TelegramBotView } from '@ai-secretary/protocol';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeLlm, type FakeLlm } from '../../server/src/testing/fake-llm.js';
import { FakeTelegram } from '../../server/src/testing/fake-telegram/index.js';
import { bearer, createTestRuntime, TEST_ADMIN_PASSWORD, type TestRuntime } from '../../server/test/helpers/runtime.js';
import { ensureAdminBuilt, launchChromium, screenshot, signIn } from './browser.js';

// The Payments page in headless Chromium against the real orchestrator: a real grammY bot process sells a product
// for Stars on the fake Bot API (invoice, pre-checkout, successful_payment), then an admin refunds it in the page.
const POLL = { timeout: 90_000, interval: 250 };
let runtime: TestRuntime;
let fake: FakeTelegram;
let llm: FakeLlm;
let browser: Browser;
let base: string;
let context: BrowserContext | undefined;
const TOKEN = '800900001:AAH' + 'z'.repeat(28) + '0001';

async function adminApi(method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) {
  const headers = bearer(await runtime.adminToken());
  return runtime.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
}

/** A user buys `product` in chat `chatId` as Telegram runs it. */
async function buy(product: ProductView, chatId: number): Promise<string> {
  fake.userPresses(TOKEN, {
    chatId,
    from: { id: chatId, firstName: 'Ann', username: `ann${chatId}` },
    data: `pay:${product.id}`,
  });
  await expect
    .poll(() => fake.calls((c) => c.method === 'sendInvoice' && c.params.chat_id === chatId).length, POLL)
    .toBe(1);
  const outcome = await fake.userPays(TOKEN, {
    chatId,
    from: { id: chatId, firstName: 'Ann', username: `ann${chatId}` },
  });
  if (!outcome.ok) throw new Error(`payment refused: ${JSON.stringify(outcome)}`);
  return outcome.chargeId;
}

beforeAll(async () => {
  ensureAdminBuilt();
  fake = new FakeTelegram();
  await fake.start();
  llm = await createFakeLlm({ tokens: ['Hi.'] });
  runtime = await createTestRuntime({
    env: { TELEGRAM_API_ROOT: fake.apiRoot, LLM_BASE_URL: llm.url, LLM_MODEL: 'fake-model' },
  });
  base = await runtime.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await runtime?.dispose();
  await llm?.close();
  await fake?.close();
});

describe('admin panel: payments page', () => {
  it('lists the payments with totals per product and refunds a Stars payment', async () => {
    fake.addBot({ token: TOKEN, username: 'shop_bot' });
    const bot = (await adminApi('POST', '/api/telegram/bots', { name: 'Shop', token: TOKEN })).json<TelegramBotView>();
    const create = (body: Record<string, unknown>) => adminApi('POST', `/api/telegram/bots/${bot.id}/products`, body);
    const guide = (
      await create({ title: 'Guide', description: 'The guide', price: 150, currency: 'XTR' })
    ).json<ProductView>();
    const charge = await buy(guide, 7001);
    await buy(guide, 7002);
    await expect
      .poll(
        async () => (await adminApi('GET', '/api/telegram/payments')).json<{ items: unknown[] }>().items.length,
        POLL,
      )
      .toBe(2);

    context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    const page: Page = await context.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    await signIn(page, base, 'admin', TEST_ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Payments', exact: true }).click();
    await page.waitForURL(/\/admin\/payments$/);
    const rows = page.getByTestId('payments-list').locator('tbody tr');
    await expect.poll(() => rows.count(), POLL).toBe(2);
    const totals = page.getByTestId('payments-totals');
    await expect.poll(() => totals.textContent(), POLL).toContain('300 ⭐');
    await screenshot(page, 'payments-page');

    const row = page.locator(`tr[data-payment="${charge}"]`);
    await row.getByRole('button', { name: 'Refund' }).click();
    await expect.poll(() => row.getByTestId('payment-status').textContent(), POLL).toBe('Refunded');
    await expect.poll(() => totals.textContent(), POLL).toContain('150 ⭐');
    expect(fake.payments(TOKEN).charges.find((c) => c.chargeId === charge)?.refunded).toBe(true);
    await expect.poll(() => row.getByRole('button', { name: 'Refund' }).count(), POLL).toBe(0);

    await page.getByTestId('payments-status').selectOption('refunded');
    await expect.poll(() => rows.count(), POLL).toBe(1);
    await screenshot(page, 'payments-page-refunded');
  }, 240_000);
});
