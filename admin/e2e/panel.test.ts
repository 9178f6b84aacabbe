import OpenAI from 'openai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestRuntime, TEST_ADMIN_PASSWORD, type TestRuntime } from '../../server/test/helpers/runtime.js';
import { ensureAdminBuilt, launchChromium, screenshot } from './browser.js';

// The admin panel in headless Chromium against the real orchestrator on a real port.
let runtime: TestRuntime;
let browser: Browser;
let base: string;
const contexts: BrowserContext[] = [];
const POLL = { timeout: 20_000 };

async function newPage(options: { viewport?: { width: number; height: number } } = {}): Promise<Page> {
  const context = await browser.newContext({
    locale: 'en-US',
    viewport: options.viewport ?? { width: 1280, height: 800 },
  });
  contexts.push(context);
  const page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  return page;
}

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto(`${base}/admin/`);
  await page.waitForURL(/\/admin\/login/);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/admin\/dashboard/);
}

/** What a hand-written request with the page's own token gets from the API (a forged write). */
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
  runtime = await createTestRuntime();
  const address = await runtime.app.listen({ port: 0, host: '127.0.0.1' });
  base = address;
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await runtime?.dispose();
});

describe('admin panel in Chromium', { timeout: 90_000 }, () => {
  it('signs in and shows the dashboard with the live /ready components', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    await page.waitForURL(/\/admin\/login\?redirect=/);
    await screenshot(page, 'login');
    await signIn(page, 'admin', TEST_ADMIN_PASSWORD);
    const component = page.getByTestId('component').first();
    await expect.poll(() => component.textContent(), POLL).toMatch(/database:(sqlite|postgres)\s*● OK/);
    await expect.poll(() => page.getByTestId('current-user').textContent(), POLL).toContain('Administrator');
    await screenshot(page, 'dashboard');
  });

  it('refuses a wrong password with the server message and stays on the login page', async () => {
    const page = await newPage();
    await page.goto(`${base}/admin/login`);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password', { exact: true }).fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), POLL).toContain('Sign-in failed');
    expect(new URL(page.url()).pathname).toBe('/admin/login');
  });

  it('switches the language to Russian, remembers it after a reload, and switches back', async () => {
    const page = await newPage();
    await signIn(page, 'admin', TEST_ADMIN_PASSWORD);
    await page.getByTestId('locale-select').first().selectOption('ru');
    await page.getByRole('link', { name: 'Пользователи' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Обзор' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ru');
    await page.getByTestId('theme-select').selectOption('dark');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await screenshot(page, 'dashboard-ru-dark');
    await page.getByTestId('locale-select').first().selectOption('en');
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  });

  it('creates a user from the users page, and the API has it', async () => {
    const page = await newPage();
    await signIn(page, 'admin', TEST_ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Users' }).click();
    const form = page.getByTestId('create-user-form');
    await form.getByLabel('Username').fill('e2e-guest');
    await form.getByLabel('Display name').fill('E2E Guest');
    await form.getByLabel('Password').fill('guest-password-1');
    await form.getByLabel('Role').selectOption('guest');
    await form.getByRole('button', { name: 'Create' }).click();
    await page.locator('tr[data-username="e2e-guest"]').waitFor();
    await screenshot(page, 'users');

    // The same name again: the server's 409 is shown, nothing is added.
    await form.getByLabel('Username').fill('e2e-guest');
    await form.getByLabel('Password').fill('guest-password-1');
    await form.getByRole('button', { name: 'Create' }).click();
    await form.getByRole('alert').waitFor();
    expect(await page.locator('tr[data-username="e2e-guest"]').count()).toBe(1);

    const res = await runtime.app.inject({ url: '/api/users', headers: bearer(await runtime.adminToken()) });
    const created = res.json<{ items: Array<{ username: string; role: string; displayName: string }> }>();
    expect(created.items.find((u) => u.username === 'e2e-guest')).toMatchObject({
      role: 'guest',
      displayName: 'E2E Guest',
    });
  });

  it('shows a guest no edit controls, and the API refuses the guest a forged write', async () => {
    const admin = await runtime.adminToken();
    const guest = await runtime.createUser('guest', 'e2e-reader');
    await runtime.app.inject({
      method: 'POST',
      url: '/api/api-keys',
      headers: bearer(admin),
      payload: { name: 'guest-owned', ownerId: guest.id },
    });
    const page = await newPage();
    // Keyboard only: Tab into the fields and submit with Enter.
    await page.goto(`${base}/admin/login`);
    await page.getByLabel('Username').focus();
    await page.keyboard.type('e2e-reader');
    await page.keyboard.press('Tab');
    await page.keyboard.type('e2e-reader-password');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/admin\/dashboard/);
    await page.getByTestId('read-only-badge').waitFor();
    expect(await page.getByRole('link', { name: 'Users' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Audit log' }).count()).toBe(0);

    await page.getByRole('link', { name: 'API keys' }).click();
    await page.locator('tr[data-key-name="guest-owned"]').waitFor();
    expect(await page.getByTestId('create-key-form').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Revoke' }).count()).toBe(0);
    await screenshot(page, 'api-keys-guest');

    await page.goto(`${base}/admin/users`);
    await page.waitForURL(/\/admin\/dashboard/);

    const forgedKey = await forgedRequest(page, 'POST', '/api/api-keys', { name: 'forged' });
    expect(forgedKey).toEqual({ status: 403, body: { error: expect.objectContaining({ code: 'FORBIDDEN' }) } });
    const forgedRename = await forgedRequest(page, 'PATCH', `/api/users/${guest.id}`, { displayName: 'x' });
    expect(forgedRename.status).toBe(403);
    const keys = await runtime.app.inject({ url: '/api/api-keys', headers: bearer(admin) });
    expect(keys.json<{ items: Array<{ name: string }> }>().items.map((k) => k.name)).not.toContain('forged');
  });

  it('creates an API key shown once, the openai client uses it, and revoking it locks the client out', async () => {
    const page = await newPage();
    await signIn(page, 'admin', TEST_ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'API keys' }).click();
    const form = page.getByTestId('create-key-form');
    await form.getByLabel('Name').fill('e2e-openai');
    await form.getByRole('button', { name: 'Create' }).click();
    const key = (await page.getByTestId('revealed-key-value').textContent())?.trim() ?? '';
    expect(key).toMatch(/^sk-/);
    await screenshot(page, 'api-keys');

    const openai = new OpenAI({ apiKey: key, baseURL: `${base}/v1`, maxRetries: 0 });
    const models = await openai.models.list();
    expect(Array.isArray(models.data)).toBe(true);

    await page.getByRole('button', { name: 'I have copied it' }).click();
    expect(await page.getByTestId('revealed-key').count()).toBe(0);
    await page.locator('tr[data-key-name="e2e-openai"]').getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => page.locator('tr[data-key-name="e2e-openai"]').textContent(), POLL).toContain('Revoked');
    await expect(openai.models.list()).rejects.toMatchObject({ status: 401 });
  });

  it('filters the audit log by action', async () => {
    const page = await newPage();
    await signIn(page, 'admin', TEST_ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.locator('tr[data-action]').first().waitFor();
    await page.getByLabel('Action starts with').fill('users.');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.locator('tr[data-action="users.create"]').first().waitFor();
    const actions = await page
      .locator('tr[data-action]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.every((a) => a?.startsWith('users.'))).toBe(true);
    await screenshot(page, 'audit');
  });

  it('changes the own password on the profile page and lists the sessions', async () => {
    const user = await runtime.createUser('user', 'e2e-user');
    const page = await newPage();
    await signIn(page, user.username, `${user.username}-password`);
    await page.getByRole('link', { name: 'Profile' }).click();
    const form = page.getByTestId('password-form');
    await form.getByLabel('Current password').fill(`${user.username}-password`);
    await form.getByLabel('New password (at least 8 characters)').fill('a-new-password-9');
    await form.getByLabel('Repeat the new password').fill('a-new-password-9');
    await form.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(() => form.getByRole('status').textContent(), POLL).toContain('Password changed');
    await expect(runtime.login(user.username, 'a-new-password-9')).resolves.toMatchObject({ userId: user.id });
    await screenshot(page, 'profile');
    await page.getByRole('link', { name: 'Sessions' }).click();
    await page.getByTestId('sessions-table').getByText('this session').waitFor();
    await screenshot(page, 'sessions');
  });

  it('fits a phone screen with a menu button', async () => {
    const page = await newPage({ viewport: { width: 390, height: 844 } });
    await signIn(page, 'admin', TEST_ADMIN_PASSWORD);
    expect(await page.getByRole('link', { name: 'Users' }).isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('link', { name: 'Users' }).click();
    await page.waitForURL(/\/admin\/users/);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'users-phone');
  });
});

describe('installed app shell without the server', { timeout: 180_000 }, () => {
  it('has a web manifest, caches the shell in a service worker, and says when the server is unreachable', async () => {
    const own = await createTestRuntime();
    const ownBase = await own.app.listen({ port: 0, host: '127.0.0.1' });
    let closed = false;
    try {
      const page = await newPage();
      await page.goto(`${ownBase}/admin/login`);
      const manifestHref = await page.locator('link[rel="manifest"]').getAttribute('href');
      const manifest = await (await fetch(new URL(manifestHref ?? '', `${ownBase}/admin/`))).json();
      expect(manifest).toMatchObject({ start_url: '/admin/', display: 'standalone' });
      await page.getByLabel('Username').fill('admin');
      await page.getByLabel('Password', { exact: true }).fill(TEST_ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(/\/admin\/dashboard/);
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready;
      });
      expect(await page.getByTestId('offline-banner').count()).toBe(0);

      await own.dispose();
      closed = true;
      await page.reload();
      await page.getByTestId('offline-banner').waitFor();
      await expect.poll(() => page.getByTestId('server-card').textContent(), POLL).toContain('Unreachable');
      await screenshot(page, 'offline');
    } finally {
      if (!closed) await own.dispose();
    }
  });
});
