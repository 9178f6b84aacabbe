import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GsmSmsEntity } from '../../server/src/db/entities/index.js';
import { bearer, createTestRuntime, TEST_ADMIN_PASSWORD, type TestRuntime } from '../../server/test/helpers/runtime.js';
import { ensureAdminBuilt, launchChromium, screenshot, signIn } from './browser.js';

// The Privacy page in headless Chromium against the real orchestrator: retention saved (and refused), one
// phone number's data exported as a download and erased after a confirmation.
let runtime: TestRuntime;
let browser: Browser;
let base: string;
const contexts: BrowserContext[] = [];
const dialogs: string[] = [];
const POLL = { timeout: 20_000 };
const NUMBER = '+15550003333';

async function newPage(): Promise<Page> {
  const context = await browser.newContext({
    locale: 'en-US',
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  contexts.push(context);
  const page = await context.newPage();
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.accept();
  });
  return page;
}

function sms(id: string, number: string) {
  return {
    id,
    direction: 'in' as const,
    number,
    text: `hello from ${number}`,
    status: 'received' as const,
    parts: 1,
    messageRefs: [],
    deliveredParts: 0,
    error: null,
    createdAt: Date.now(),
    sentAt: null,
    deliveredAt: null,
    autoReply: null,
  };
}

beforeAll(async () => {
  ensureAdminBuilt();
  runtime = await createTestRuntime();
  base = await runtime.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchChromium();
  await runtime.db.getRepository(GsmSmsEntity).save([sms('s1', NUMBER), sms('s2', '+15550004444')]);
}, 180_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await runtime?.dispose();
});

describe('privacy page in Chromium', { timeout: 90_000 }, () => {
  it('saves retention, shows the refusal of a bad value, exports and erases one phone number', async () => {
    const page = await newPage();
    await signIn(page, base, 'admin', TEST_ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Privacy' }).click();
    await page.waitForURL(/\/admin\/privacy/);
    const retention = page.getByTestId('retention-form');

    await retention.getByLabel('SMS text').fill('0');
    await retention.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => retention.getByRole('alert').textContent(), POLL).toMatch(/smsDays/);
    const admin = bearer(await runtime.adminToken());
    const unchanged = await runtime.app.inject({ method: 'GET', url: '/api/privacy/retention', headers: admin });
    expect(unchanged.json()).toMatchObject({ smsDays: null });

    await retention.getByLabel('SMS text').fill('60');
    await retention.getByLabel('Chat history (Telegram, Discord, widget, conversation memory)').fill('30');
    await retention.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => retention.getByRole('status').textContent(), POLL).toMatch(/Saved/);
    const saved = await runtime.app.inject({ method: 'GET', url: '/api/privacy/retention', headers: admin });
    expect(saved.json()).toEqual({ recordingsDays: null, transcriptsDays: null, smsDays: 60, chatDays: 30 });
    await page.getByTestId('retention-run').click();
    await expect.poll(() => retention.getByRole('status').textContent(), POLL).toMatch(/Retention ran: 0 records/);

    const contact = page.getByTestId('contact-form');
    await contact.getByLabel('Number or id').fill('+1 555 000 3333');
    const download = page.waitForEvent('download');
    await contact.getByRole('button', { name: 'Export everything' }).click();
    const file = await (await download).path();
    const exported = JSON.parse(fs.readFileSync(file, 'utf8')) as { sources: { gsm_sms: Array<{ id: string }> } };
    expect(exported.sources.gsm_sms.map((s) => s.id)).toEqual(['s1']);
    await expect.poll(() => contact.getByRole('status').textContent(), POLL).toMatch(/Exported 1 records/);
    await screenshot(page, 'privacy-export');

    await contact.getByTestId('contact-erase').click();
    await expect.poll(() => contact.getByRole('status').textContent(), POLL).toMatch(/Erased 1 records/);
    expect(dialogs.at(-1)).toMatch(/Erase everything stored about \+1 555 000 3333/);
    const left = await runtime.db.getRepository(GsmSmsEntity).find();
    expect(left.map((s) => s.number)).toEqual(['+15550004444']);
  });
});
