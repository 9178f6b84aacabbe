import { createRequire } from 'node:module';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeLlm, type FakeLlm } from '../../server/src/testing/fake-llm.js';
import { bearer, createTestRuntime, TEST_ADMIN_PASSWORD, type TestRuntime } from '../../server/test/helpers/runtime.js';
import { ensureAdminBuilt, launchChromium, screenshot, signIn } from './browser.js';

// The website widget as a site owner embeds it: a page on another origin with one script tag, in headless
// Chromium, against the real orchestrator and the fake LLM upstream.
const REPLY = ['Hello', ' from', ' the shop'];
const HOSTILE_CSS = '<style>* { all: unset } body { font-size: 40px }</style>';
let runtime: TestRuntime;
let llm: FakeLlm;
let browser: Browser;
let base: string;
let admin: string;
let token: string;
const sites: http.Server[] = [];
const contexts: BrowserContext[] = [];
const POLL = { timeout: 20_000 };
const SLOW = 60_000;
let allowed: string;
let stranger: string;

declare global {
  interface Window {
    __pwned?: number;
    axe?: {
      run(
        context: Document,
        options: Record<string, unknown>,
      ): Promise<{ violations: AxeResult[]; passes: AxeResult[] }>;
    };
  }
}
interface AxeResult {
  id: string;
  impact: string | null;
  nodes: Array<{ target: unknown[] }>;
}
const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** axe-core over the whole page (it walks into the open shadow root): the serious and critical findings. */
async function seriousViolations(page: Page) {
  await page.addScriptTag({ path: AXE_PATH });
  const result = await page.evaluate(() => window.axe!.run(document, {}));
  // a node inside a shadow root is targeted by a nested selector list: proof the widget itself was checked
  expect(result.passes.some((rule) => rule.nodes.some((node) => Array.isArray(node.target[0])))).toBe(true);
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
}

/** Business hours from Settings: every day closed (`closed`) or none saved (open at any time). */
async function setBusinessHours(closed: boolean): Promise<void> {
  const current = await runtime.app.inject({ method: 'GET', url: '/api/settings', headers: bearer(admin) });
  const { businessName, timezone, greeting, defaultLanguage } = current.json<Record<string, unknown>>();
  const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
  const businessHours = closed ? Object.fromEntries(days.map((day) => [day, []])) : null;
  const res = await runtime.app.inject({
    method: 'PUT',
    url: '/api/settings',
    headers: bearer(admin),
    payload: { businessName, timezone, greeting, defaultLanguage, businessHours },
  });
  expect(res.statusCode, res.body).toBe(200);
}

/** A tiny "customer website": the embed snippet, optionally under hostile CSS, and decoys for style leaks. */
async function site(): Promise<string> {
  const server = http.createServer((req, res) => {
    const hostile = (req.url ?? '').includes('hostile');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><title>Shop</title>${hostile ? HOSTILE_CSS : ''}</head><body>
<p id="page-text">Our shop</p><div class="bubble" id="decoy">decoy</div>
<script src="${base}/widget.js" data-token="${token}" async></script></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sites.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function newPage(width = 1280): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width, height: 800 } });
  contexts.push(context);
  return context.newPage();
}

const launcher = (page: Page) => page.getByRole('button', { name: 'Open chat' });
const input = (page: Page) => page.getByRole('textbox', { name: 'Type a message…' });
const notice = (page: Page) => page.locator('[data-ai-secretary-widget] .notice');
const bubbles = (page: Page) => page.locator('[data-ai-secretary-widget] .msg.assistant .bubble');

async function openWidget(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await launcher(page).click();
  await expect.poll(() => input(page).isVisible(), POLL).toBe(true);
}

async function ask(page: Page, text: string): Promise<void> {
  await input(page).fill(text);
  await input(page).press('Enter');
}

beforeAll(async () => {
  ensureAdminBuilt();
  llm = await createFakeLlm({ tokens: REPLY });
  llm.autoToolCall = false;
  runtime = await createTestRuntime({
    env: {
      LLM_BASE_URL: llm.url,
      LLM_MODEL: 'fake-model',
      WIDGET_MAX_MESSAGE_CHARS: '200',
      WIDGET_RATE_PER_IP_PER_MIN: '12',
    },
  });
  base = await runtime.app.listen({ port: 0, host: '127.0.0.1' });
  admin = await runtime.adminToken();
  allowed = await site();
  stranger = await site();
  const created = await runtime.app.inject({
    method: 'POST',
    url: '/api/widget-tokens',
    headers: bearer(admin),
    payload: { name: 'shop', allowedOrigins: [allowed] },
  });
  token = created.json<{ token: string }>().token;
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  for (const server of sites) server.close();
  await runtime?.dispose();
  await llm?.close();
});

describe('website widget', () => {
  it(
    'serves widget.js small, cacheable, with an ETag that answers 304',
    async () => {
      const first = await fetch(`${base}/widget.js`);
      expect(first.status).toBe(200);
      expect(first.headers.get('content-type')).toContain('javascript');
      const etag = first.headers.get('etag')!;
      expect(first.headers.get('cache-control')).toContain('max-age');
      const body = await first.text();
      expect(body.length).toBeLessThan(60_000);
      // the text chat's size goal: 25 KB gzip, without the voice code
      expect(gzipSync(body, { level: 9 }).length).toBeLessThan(25_000);
      expect(body).not.toContain('pcm-capture');
      const again = await fetch(`${base}/widget.js`, { headers: { 'if-none-match': etag } });
      expect(again.status).toBe(304);
      const voice = await fetch(`${base}/widget-voice.js`, { headers: { origin: allowed } });
      expect(voice.status).toBe(200);
      expect(voice.headers.get('content-type')).toContain('javascript');
      // an ES module fetched cross-origin with import(): CORS, and no credentials
      expect(voice.headers.get('access-control-allow-origin')).toBe('*');
      expect(await voice.text()).toContain('pcm-capture');
    },
    SLOW,
  );

  it(
    'answers a visitor on an allowed site with a streamed reply, and shows the history after a reload',
    async () => {
      // wide enough to see the part-written reply on a loaded machine
      llm.tokenDelayMs = 500;
      const page = await newPage();
      await openWidget(page, allowed);
      await expect.poll(() => page.getByRole('dialog').getAttribute('aria-modal'), POLL).toBe('true');
      await ask(page, 'What are your hours?');
      // the reply is seen part-written before it is complete
      await page.waitForFunction(
        () => {
          const shadow = document.querySelector('[data-ai-secretary-widget]')!.shadowRoot!;
          const last = [...shadow.querySelectorAll('.msg.assistant .bubble')].at(-1)?.textContent ?? '';
          return /^Assistant: Hello( from)?$/.test(last);
        },
        null,
        { polling: 10, timeout: 20_000 },
      );
      await expect.poll(() => bubbles(page).last().textContent(), POLL).toContain('Hello from the shop');
      llm.tokenDelayMs = 0;
      await page.reload();
      await launcher(page).click();
      await expect
        .poll(() => page.locator('[data-ai-secretary-widget] .msg.user').first().textContent(), POLL)
        .toContain('What are your hours?');
      await expect.poll(() => bubbles(page).last().textContent(), POLL).toContain('Hello from the shop');
      // the history carries the time each message was said
      const times = await page.evaluate(() => {
        const shadow = document.querySelector('[data-ai-secretary-widget]')!.shadowRoot!;
        return [...shadow.querySelectorAll('.msg.user time, .msg.assistant time')].map((t) => ({
          at: Date.parse(t.getAttribute('datetime') ?? ''),
          text: t.textContent ?? '',
        }));
      });
      expect(times.length).toBeGreaterThanOrEqual(2);
      for (const time of times) {
        expect(Number.isFinite(time.at)).toBe(true);
        expect(time.text).toMatch(/\d{1,2}:\d{2}/);
      }
      await screenshot(page, 'widget-chat');
    },
    SLOW,
  );

  it(
    'gives no chat on a site that is not on the allow-list (the API answers 403)',
    async () => {
      const page = await newPage();
      await page.goto(stranger);
      await launcher(page).click();
      await expect.poll(() => page.getByRole('alert').textContent(), POLL).toContain('not available on this website');
      expect(await input(page).isDisabled()).toBe(true);
      const res = await fetch(`${base}/api/widget/config`, {
        headers: { authorization: `Bearer ${token}`, origin: stranger },
      });
      expect(res.status).toBe(403);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    },
    SLOW,
  );

  it(
    'renders markup in a reply as inert text, wraps a 500-character word, survives hostile page CSS',
    async () => {
      llm.tokens = [
        '<img src=x onerror="window.__pwned=1"> ',
        '<script>window.__pwned=2</script> ',
        '[link](javascript:window.__pwned=3) javascript:window.__pwned=4 ',
        'w'.repeat(500),
        ' see https://example.com/hours.',
      ];
      const page = await newPage(320);
      try {
        await openWidget(page, `${allowed}/?hostile`);
        await ask(page, 'Show me something');
        await expect.poll(() => bubbles(page).last().textContent(), POLL).toContain('example.com/hours');
      } finally {
        llm.tokens = REPLY;
      }
      const facts = await page.evaluate(() => {
        const shadow = document.querySelector('[data-ai-secretary-widget]')!.shadowRoot!;
        const bubble = [...shadow.querySelectorAll<HTMLElement>('.msg.assistant .bubble')].at(-1)!;
        const panel = shadow.querySelector<HTMLElement>('.panel')!;
        return {
          pwned: window.__pwned,
          images: shadow.querySelectorAll('img').length,
          scripts: shadow.querySelectorAll('script').length,
          links: [...shadow.querySelectorAll('a')].map((a) => [a.getAttribute('href'), a.rel, a.target]),
          text: bubble.textContent,
          wraps: bubble.scrollWidth <= bubble.clientWidth + 1,
          panelRight: panel.getBoundingClientRect().right,
          fontSize: getComputedStyle(shadow.querySelector('.root')!).fontSize,
          launcher: shadow.querySelector<HTMLElement>('.launcher')!.offsetWidth,
        };
      });
      expect(facts.pwned).toBeUndefined();
      expect(facts.images).toBe(0);
      expect(facts.scripts).toBe(0);
      expect(facts.links).toEqual([['https://example.com/hours', 'noopener noreferrer', '_blank']]);
      expect(facts.text).toContain('<img src=x onerror="window.__pwned=1">');
      expect(facts.text).toContain('<script>window.__pwned=2</script>');
      expect(facts.wraps).toBe(true);
      expect(facts.panelRight).toBeLessThanOrEqual(320);
      expect(facts.fontSize).toBe('14px');
      expect(facts.launcher).toBe(56);
      await screenshot(page, 'widget-hostile-320');
    },
    SLOW,
  );

  it(
    "does not leak the widget's styles into the page",
    async () => {
      const page = await newPage();
      await openWidget(page, allowed);
      const decoy = await page.evaluate(() => {
        const style = getComputedStyle(document.getElementById('decoy')!);
        return { background: style.backgroundColor, whiteSpace: style.whiteSpace };
      });
      expect(decoy).toEqual({ background: 'rgba(0, 0, 0, 0)', whiteSpace: 'normal' });
    },
    SLOW,
  );

  it(
    'works with the keyboard only: Enter opens, Enter sends, focus stays in the panel, Escape returns it',
    async () => {
      const page = await newPage();
      await page.goto(allowed);
      const active = () =>
        page.evaluate(() => {
          const shadow = document.querySelector('[data-ai-secretary-widget]')!.shadowRoot!;
          const el = shadow.activeElement as HTMLElement | null;
          return el ? `${el.tagName.toLowerCase()}.${el.className}` : 'outside';
        });
      await expect.poll(() => launcher(page).isVisible(), POLL).toBe(true);
      await page.keyboard.press('Tab');
      expect(await active()).toBe('button.launcher');
      await page.keyboard.press('Enter');
      await expect.poll(active, POLL).toBe('textarea.');
      await page.keyboard.type('Are you open?');
      await page.keyboard.press('Enter');
      await expect.poll(() => bubbles(page).last().textContent(), POLL).toContain('Hello from the shop');
      for (let i = 0; i < 6; i++) {
        await page.keyboard.press('Tab');
        expect(await active()).not.toBe('outside');
      }
      await page.keyboard.press('Escape');
      expect(await page.getByRole('dialog').isVisible()).toBe(false);
      expect(await active()).toBe('button.launcher');
    },
    SLOW,
  );

  it(
    'offers the leave-a-message form when the LLM is down, and stores the message',
    async () => {
      const page = await newPage();
      await openWidget(page, allowed);
      await llm.setMode('refuse');
      try {
        await ask(page, 'Is anyone there?');
        await expect.poll(() => page.getByRole('alert').textContent(), POLL).toContain('cannot answer right now');
      } finally {
        await llm.setMode('ok');
      }
      await page.getByLabel('Your name').fill('Ann');
      await page.getByLabel('Phone or e-mail').fill('+15550001111');
      await page.getByLabel('Message', { exact: true }).fill('Please call me back');
      await page.getByRole('button', { name: 'Send message' }).click();
      await expect.poll(() => bubbles(page).last().textContent(), POLL).toContain('Thank you');
      const list = await runtime.app.inject({ method: 'GET', url: '/api/messages', headers: bearer(admin) });
      expect(list.json<{ items: unknown[] }>().items).toContainEqual(
        expect.objectContaining({ channel: 'widget', callerName: 'Ann', callbackNumber: '+15550001111' }),
      );
    },
    SLOW,
  );

  it(
    'says so when the network is cut mid-reply, and the retry asks again and gets the whole reply',
    async () => {
      const page = await newPage();
      await openWidget(page, allowed);
      llm.tokens = ['Part', ' one', ...Array.from({ length: 40 }, (_, i) => ` more${i}`)];
      llm.tokenDelayMs = 250;
      try {
        await ask(page, 'Tell me a long story');
        await expect.poll(() => bubbles(page).last().textContent(), POLL).toContain('Part');
        // the server drops every open connection: the reply's stream is cut half-way
        runtime.app.server.closeAllConnections();
        await expect.poll(() => notice(page).textContent(), POLL).toContain('connection was lost');
      } finally {
        llm.tokens = REPLY;
        llm.tokenDelayMs = 0;
      }
      const retry = page.getByRole('button', { name: 'Try again' });
      expect(await retry.isVisible()).toBe(true);
      const before = await bubbles(page).count();
      await retry.click();
      await expect.poll(() => bubbles(page).last().textContent(), POLL).toContain('Hello from the shop');
      // the cut reply was replaced by the new one, the question is not repeated
      expect(await bubbles(page).count()).toBe(before);
      expect(await page.locator('[data-ai-secretary-widget] .msg.user').count()).toBe(1);
      expect(await notice(page).isHidden()).toBe(true);
      expect(await retry.isHidden()).toBe(true);
    },
    SLOW,
  );

  it(
    'offers the leave-a-message form first when the business is closed (business hours from Settings)',
    async () => {
      await setBusinessHours(true);
      const page = await newPage();
      try {
        await page.goto(allowed);
        await launcher(page).click();
        await expect.poll(() => notice(page).textContent(), POLL).toContain('We are closed right now');
      } finally {
        await setBusinessHours(false);
      }
      expect(await page.getByLabel('Your name').isVisible()).toBe(true);
      expect(await input(page).isVisible()).toBe(false);
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByLabel('Your name').fill('Boris');
      await page.getByLabel('Phone or e-mail').fill('boris@example.com');
      await page.getByLabel('Message', { exact: true }).fill('Do you deliver on Sunday?');
      await page.getByRole('button', { name: 'Send message' }).click();
      await expect.poll(() => bubbles(page).last().textContent(), POLL).toContain('Thank you');
      const list = await runtime.app.inject({ method: 'GET', url: '/api/messages', headers: bearer(admin) });
      expect(list.json<{ items: unknown[] }>().items).toContainEqual(
        expect.objectContaining({ channel: 'widget', callerName: 'Boris', reason: 'Do you deliver on Sunday?' }),
      );
      await screenshot(page, 'widget-closed-form');
    },
    SLOW,
  );

  it(
    'passes an automated accessibility check (axe-core) with no serious violations, open and closed, at 320 px',
    async () => {
      for (const width of [1280, 320]) {
        const page = await newPage(width);
        await page.goto(allowed);
        await expect.poll(() => launcher(page).isVisible(), POLL).toBe(true);
        expect(await seriousViolations(page), `closed at ${width}px`).toEqual([]);
        await launcher(page).click();
        await expect.poll(() => input(page).isVisible(), POLL).toBe(true);
        expect(await seriousViolations(page), `open at ${width}px`).toEqual([]);
      }
    },
    SLOW,
  );

  it(
    'turns the animations off under prefers-reduced-motion',
    async () => {
      const context = await browser.newContext({ locale: 'en-US', reducedMotion: 'reduce' });
      contexts.push(context);
      const page = await context.newPage();
      await openWidget(page, allowed);
      const animation = await page.evaluate(() => {
        const shadow = document.querySelector('[data-ai-secretary-widget]')!.shadowRoot!;
        return getComputedStyle(shadow.querySelector('.panel')!).animationName;
      });
      expect(animation).toBe('none');
    },
    SLOW,
  );

  it(
    'refuses a message over the size limit and says so when the rate limit is reached',
    async () => {
      const page = await newPage();
      await openWidget(page, allowed);
      await ask(page, 'x'.repeat(201));
      await expect.poll(() => page.getByRole('alert').textContent(), POLL).toContain('at most 200 characters');
      for (let i = 0; i < 16; i++) {
        await ask(page, `question ${i}`);
        await expect.poll(() => page.locator('[data-ai-secretary-widget] .typing').isHidden(), POLL).toBe(true);
        if (((await notice(page).textContent()) ?? '').includes('Too many messages')) break;
      }
      expect(await notice(page).textContent()).toMatch(/Too many messages\. Please wait \d+ s/);
    },
    SLOW,
  );

  it(
    "edits a token's look on the Widget tokens page, with the real widget in the live preview",
    async () => {
      const page = await newPage();
      await signIn(page, base, 'admin', TEST_ADMIN_PASSWORD);
      await page.goto(`${base}/admin/widget-tokens`);
      await page.locator('tr[data-token-name="shop"] [data-testid="widget-appearance-button"]').click();
      const form = page.getByTestId('widget-appearance-form');
      await form.locator('input[name="title"]').fill('Bakery help');
      await form.locator('textarea[name="greeting"]').fill('Fresh bread today!');
      const preview = page.frameLocator('[data-testid="widget-preview"]');
      // the launcher sits fixed in the iframe's corner, below the fold; a click event is enough for the preview
      await preview.getByRole('button', { name: 'Open chat' }).dispatchEvent('click');
      await expect.poll(() => preview.getByRole('heading').textContent(), POLL).toBe('Bakery help');
      await expect.poll(() => preview.locator('.bubble').first().textContent(), POLL).toContain('Fresh bread today!');
      await form.getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => form.textContent(), POLL).toContain('Saved.');
      await screenshot(page, 'widget-appearance');
      const config = await fetch(`${base}/api/widget/config`, {
        headers: { authorization: `Bearer ${token}`, origin: allowed },
      });
      expect(await config.json()).toMatchObject({ title: 'Bakery help', greeting: 'Fresh bread today!' });
    },
    SLOW,
  );
});
