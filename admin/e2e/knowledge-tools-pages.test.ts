import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, TEST_ADMIN_PASSWORD, type TestRuntime } from '../../server/test/helpers/runtime.js';
import { startShopService, type ShopService } from '../../server/test/tools/shop-service.js';
import { ensureAdminBuilt, launchChromium, screenshot, signIn } from './browser.js';

// The Knowledge and Tools pages in headless Chromium against the real orchestrator on a real port, with a local
// shop service standing in for the business's own API.
let runtime: TestRuntime;
let browser: Browser;
let base: string;
let shop: ShopService;
const contexts: BrowserContext[] = [];
const POLL = { timeout: 20_000 };

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 1000 } });
  contexts.push(context);
  const page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  await signIn(page, base, 'admin', TEST_ADMIN_PASSWORD);
  return page;
}

beforeAll(async () => {
  ensureAdminBuilt();
  shop = await startShopService();
  runtime = await createTestRuntime();
  base = await runtime.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await runtime?.dispose();
  await shop?.close();
});

const DELIVERY = [
  '# Golden Crust Bakery',
  '## Delivery',
  'Delivery is free for orders over $40; otherwise it costs $5. We deliver every day from 9 to 18.',
  '## Address',
  'We are at 221 Baker Street, next to the station.',
].join('\n\n');

describe('Knowledge and Tools pages in Chromium', { timeout: 120_000 }, () => {
  it('adds, uploads, searches, disables, edits, re-indexes and deletes documents', async () => {
    const page = await newPage();
    await page.getByRole('link', { name: 'Knowledge', exact: true }).click();
    await page.waitForURL(/\/admin\/knowledge/);
    const add = page.getByTestId('knowledge-text-form');
    await add.getByLabel('Title', { exact: true }).fill('Golden Crust Bakery');
    await add.getByLabel('Text', { exact: true }).fill(DELIVERY);
    await add.getByRole('button', { name: 'Create' }).click();
    const bakery = page.locator('tr[data-title="Golden Crust Bakery"]');
    await expect.poll(() => bakery.count(), POLL).toBe(1);
    expect(await bakery.locator('td').nth(3).textContent()).toBe('2');

    const upload = page.getByTestId('knowledge-upload-form');
    await upload.getByLabel('File (.md, .txt, .html, .pdf, .docx)').setInputFiles({
      name: 'returns.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('Returns are accepted within 14 days with the receipt.'),
    });
    await upload.getByRole('button', { name: 'Upload' }).click();
    await expect.poll(() => page.locator('tr[data-title="returns"]').count(), POLL).toBe(1);
    await upload.getByLabel('File (.md, .txt, .html, .pdf, .docx)').setInputFiles({
      name: 'empty.txt',
      mimeType: 'text/plain',
      buffer: Buffer.alloc(0),
    });
    await upload.getByRole('button', { name: 'Upload' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent(), POLL).toBe('The uploaded file is empty');

    const search = page.getByTestId('knowledge-search-form');
    await search.getByLabel('Question').fill('Is delivery free?');
    await search.getByRole('button', { name: 'Search' }).click();
    const hits = page.getByTestId('knowledge-hit');
    await expect.poll(() => hits.first().textContent(), POLL).toContain('Golden Crust Bakery › Delivery');
    expect(await hits.first().textContent()).toContain('Delivery is free for orders over $40');
    await screenshot(page, 'knowledge-search');

    await bakery.getByRole('checkbox', { name: 'Enabled' }).uncheck();
    await expect
      .poll(
        async () => (await runtime.stores.knowledge.list()).find((d) => d.title === 'Golden Crust Bakery')?.enabled,
        POLL,
      )
      .toBe(false);
    await search.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.getByTestId('knowledge-no-hits').count(), POLL).toBe(1);
    await bakery.getByRole('checkbox', { name: 'Enabled' }).check();

    await bakery.getByRole('button', { name: 'Edit' }).click();
    const editor = page.getByTestId('knowledge-editor');
    await editor.getByLabel('Text', { exact: true }).fill(DELIVERY.replace('$40', '$50'));
    await editor.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => bakery.locator('td').nth(2).textContent(), POLL).toBe('2');
    await bakery.getByRole('button', { name: 'Re-index' }).click();
    await expect.poll(() => page.getByText('Golden Crust Bakery re-indexed.').count(), POLL).toBe(1);
    await search.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => hits.first().textContent(), POLL).toContain('over $50');

    await page.locator('tr[data-title="returns"]').getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => page.locator('tr[data-title="returns"]').count(), POLL).toBe(0);
    expect((await runtime.stores.knowledge.list()).map((d) => d.title)).toEqual(['Golden Crust Bakery']);
  });

  it('defines a tool, refuses a bad schema with the API message, tests it and shows its call log', async () => {
    const page = await newPage();
    await page.getByRole('link', { name: 'Tools', exact: true }).click();
    await page.waitForURL(/\/admin\/tools/);
    const form = page.getByTestId('tool-form');
    await form.getByLabel('Name').fill('order_status');
    await form.getByLabel('Description').fill('The status of an order by its number.');
    await form.getByLabel('Arguments (JSON Schema)').fill('{"type": "string"}');
    await form.getByLabel('URL template').fill(`${shop.url}/orders/{order_id}`);
    await form.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => form.getByRole('alert').last().textContent(), POLL)
      .toBe('parameters must describe an object: "type": "object"');
    expect(await page.getByTestId('tool-row').count()).toBe(0);

    await form
      .getByLabel('Arguments (JSON Schema)')
      .fill('{"type":"object","properties":{"order_id":{"type":"string"}},"required":["order_id"]}');
    await form.getByRole('button', { name: 'Add a header' }).click();
    const header = form.getByTestId('tool-header');
    await header.getByLabel('Header').fill('Authorization');
    await header.getByLabel('Value').fill('Bearer shop-s3cret');
    await header.getByRole('checkbox').check();
    await form.getByLabel('Part of a JSON answer (e.g. data.status)').fill('data.status');
    await form.getByLabel('May reach a private / loopback address').check();
    expect(await form.getByText('This tool may reach addresses inside your network.').count()).toBe(1);
    await form.getByRole('button', { name: 'Save' }).click();
    const row = page.locator('tr[data-name="order_status"]');
    await expect.poll(() => row.count(), POLL).toBe(1);
    expect(await row.getByTestId('tool-private-warning').count()).toBe(1);
    expect(await page.content()).not.toContain('shop-s3cret');

    await row.getByRole('button', { name: 'Test' }).click();
    const test = page.getByTestId('tool-test');
    await test.getByLabel('Arguments (JSON)').fill('{"order_id": "1042"}');
    await test.getByRole('button', { name: 'Run' }).click();
    await expect.poll(() => page.getByTestId('tool-test-result').textContent(), POLL).toBe('shipped on 3 December');
    expect(await page.getByTestId('tool-test-outcome').textContent()).toContain('Outcome: ok, HTTP 200');
    expect(shop.requests.at(-1)?.headers.authorization).toBe('Bearer shop-s3cret');
    await screenshot(page, 'tools-test');

    await row.getByRole('button', { name: 'Calls' }).click();
    await expect.poll(() => page.getByTestId('tool-call-row').count(), POLL).toBe(1);
    expect(await page.getByTestId('tool-call-row').textContent()).toContain('admin');
  });
});
