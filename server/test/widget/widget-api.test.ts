import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeLlm, type FakeLlm } from '../../src/testing/fake-llm.js';
import { bearer, createTestRuntime, type TestRuntime } from '../helpers/runtime.js';

// The widget's public chat API (/api/widget/*) against the real runtime and the fake LLM upstream.
const SHOP = 'https://shop.example';
const OTHER = 'https://evil.example';
const VISITOR_A = 'v-aaaaaaaaaaaaaaaaaaaaaaaa';
const VISITOR_B = 'v-bbbbbbbbbbbbbbbbbbbbbbbb';

let rt: TestRuntime;
let llm: FakeLlm;
let admin: string;
let token: string;
let tokenId: string;

const events = (payload: string) =>
  payload
    .split('\n\n')
    .filter((chunk) => chunk.startsWith('data: '))
    .map((chunk) => JSON.parse(chunk.slice(6)) as { type: string; text?: string; code?: string });

function widget(
  method: 'GET' | 'POST' | 'OPTIONS',
  url: string,
  options: { body?: unknown; origin?: string; auth?: string } = {},
) {
  const headers: Record<string, string> = {};
  if (options.origin !== undefined) headers.origin = options.origin;
  const auth = options.auth ?? token;
  if (auth !== '') headers.authorization = `Bearer ${auth}`;
  return rt.app.inject({
    method,
    url: `/api/widget${url}`,
    headers,
    ...(options.body ? { payload: options.body } : {}),
  });
}

const chat = (text: string, visitorId = VISITOR_A, origin = SHOP) =>
  widget('POST', '/chat', { origin, body: { visitorId, text } });

beforeAll(async () => {
  llm = await createFakeLlm({ tokens: ['Hello', ' from', ' the shop'] });
  llm.autoToolCall = false;
  rt = await createTestRuntime({
    env: {
      LLM_BASE_URL: llm.url,
      LLM_MODEL: 'fake-model',
      WIDGET_MAX_MESSAGE_CHARS: '40',
      WIDGET_RATE_PER_IP_PER_MIN: '8',
    },
  });
  admin = await rt.adminToken();
  const created = await rt.app.inject({
    method: 'POST',
    url: '/api/widget-tokens',
    headers: bearer(admin),
    payload: {
      name: 'shop',
      allowedOrigins: [SHOP],
      appearance: { title: 'Shop chat', greeting: null, color: '#112233', position: 'left', language: 'en' },
    },
  });
  expect(created.statusCode).toBe(201);
  token = created.json<{ token: string }>().token;
  tokenId = created.json<{ widgetToken: { id: string } }>().widgetToken.id;
});

afterAll(async () => {
  await rt?.dispose();
  await llm?.close();
});

describe('widget chat API', () => {
  it('answers the config with CORS headers for an allowed origin only', async () => {
    const ok = await widget('GET', '/config', { origin: SHOP });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe(SHOP);
    expect(ok.json()).toMatchObject({ title: 'Shop chat', color: '#112233', position: 'left', language: 'en' });
    const other = await widget('GET', '/config', { origin: OTHER });
    expect(other.statusCode).toBe(403);
    expect(other.json().error.code).toBe('WIDGET_ORIGIN_FORBIDDEN');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const none = await widget('GET', '/config');
    expect(none.statusCode).toBe(403);
  });

  it('answers the preflight for an allowed origin, refuses it for another', async () => {
    const ok = await widget('OPTIONS', '/chat', { origin: SHOP, auth: '' });
    expect(ok.statusCode).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe(SHOP);
    expect(ok.headers['access-control-allow-headers']).toContain('authorization');
    const other = await widget('OPTIONS', '/chat', { origin: OTHER, auth: '' });
    expect(other.statusCode).toBe(403);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    expect(other.headers['access-control-allow-methods']).toBeUndefined();
  });

  it('refuses a missing or unknown token (401) and a malformed visitor id (400)', async () => {
    expect((await widget('GET', '/config', { origin: SHOP, auth: '' })).statusCode).toBe(401);
    const bad = await widget('GET', '/config', {
      origin: SHOP,
      auth: 'wt-abcdefgh_notarealsecretnotarealsecretnotarealsecr',
    });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().error.code).toBe('WIDGET_TOKEN_INVALID');
    const visitor = await chat('hi', 'not-a-visitor');
    expect(visitor.statusCode).toBe(400);
    expect(visitor.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('streams the reply as SSE, with the token persona, channel widget and the token id as instance', async () => {
    const res = await chat('What are your hours?');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/event-stream');
    expect(res.headers['access-control-allow-origin']).toBe(SHOP);
    const stream = events(res.payload);
    expect(
      stream
        .filter((e) => e.type === 'delta')
        .map((e) => e.text)
        .join(''),
    ).toBe('Hello from the shop');
    expect(stream.at(-1)).toEqual({ type: 'done', text: 'Hello from the shop' });
    const usage = await rt.app.inject({ method: 'GET', url: '/api/usage?groupBy=instance', headers: bearer(admin) });
    expect(usage.payload).toContain(tokenId);
  });

  it('keeps the history per visitor, with the time of each message', async () => {
    const a = await widget('GET', `/history?visitorId=${VISITOR_A}`, { origin: SHOP });
    const items = a.json<{ items: Array<{ role: string; text: string; at: string }> }>().items;
    expect(items).toEqual([
      { role: 'user', text: 'What are your hours?', at: expect.any(String) },
      { role: 'assistant', text: 'Hello from the shop', at: expect.any(String) },
    ]);
    const [asked, answered] = items.map((item) => Date.parse(item.at));
    expect(Number.isFinite(asked)).toBe(true);
    expect(answered).toBeGreaterThanOrEqual(asked!);
    expect(Math.abs(Date.now() - answered!)).toBeLessThan(600_000);
    const b = await widget('GET', `/history?visitorId=${VISITOR_B}`, { origin: SHOP });
    expect(b.json().items).toEqual([]);
  });

  it('lists the text chat with the other conversations: channel widget, the token name, one turn per answer', async () => {
    const list = await rt.app.inject({ url: '/api/conversations', headers: bearer(admin) });
    const mine = list
      .json<{ items: Array<{ id: string; channel: string; caller: string; turnCount: number }> }>()
      .items.filter((c) => c.channel === 'widget');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ caller: 'shop', turnCount: 1, outcome: 'completed' });
    const detail = await rt.app.inject({ url: `/api/conversations/${mine[0]!.id}`, headers: bearer(admin) });
    expect(detail.json().turns).toEqual([
      expect.objectContaining({ userText: 'What are your hours?', assistantText: 'Hello from the shop' }),
    ]);
  });

  it('says closed in the config outside the business hours from Settings', async () => {
    const settings = await rt.app.inject({ url: '/api/settings', headers: bearer(admin) });
    const current = settings.json<Record<string, unknown>>();
    const closedAllWeek = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, []]));
    const put = (businessHours: unknown) =>
      rt.app.inject({
        method: 'PUT',
        url: '/api/settings',
        headers: bearer(admin),
        payload: {
          businessName: current.businessName,
          timezone: current.timezone,
          greeting: current.greeting,
          defaultLanguage: current.defaultLanguage,
          businessHours,
        },
      });
    expect((await put(closedAllWeek)).statusCode).toBe(200);
    try {
      expect((await widget('GET', '/config', { origin: SHOP })).json().open).toBe(false);
    } finally {
      expect((await put(null)).statusCode).toBe(200);
    }
    expect((await widget('GET', '/config', { origin: SHOP })).json().open).toBe(true);
  });

  it('refuses a message over the size limit with a clear 413', async () => {
    const res = await chat('x'.repeat(41));
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({
      code: 'WIDGET_MESSAGE_TOO_LONG',
      message: 'Messages are limited to 40 characters',
    });
  });

  it('says LLM_UNAVAILABLE when no model answers, and takes a message through the form', async () => {
    await llm.setMode('error500');
    try {
      const res = await chat('anyone there?', VISITOR_B);
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('LLM_UNAVAILABLE');
      expect(res.headers['access-control-allow-origin']).toBe(SHOP);
    } finally {
      await llm.setMode('ok');
    }
    const form = { visitorId: VISITOR_B, name: 'Ann', contact: 'ann@example.com', text: 'Call me back' };
    const taken = await widget('POST', '/messages', { origin: SHOP, body: form });
    expect(taken.statusCode).toBe(201);
    const list = await rt.app.inject({ method: 'GET', url: '/api/messages', headers: bearer(admin) });
    expect(list.json().items).toContainEqual(
      expect.objectContaining({
        channel: 'widget',
        callerName: 'Ann',
        callbackNumber: 'ann@example.com',
        reason: 'Call me back',
      }),
    );
  });

  it('limits the requests per address with a clear 429', async () => {
    let last = await chat('hi');
    for (let i = 0; i < 10 && last.statusCode !== 429; i++) last = await chat('hi');
    expect(last.statusCode).toBe(429);
    expect(last.json().error.code).toBe('WIDGET_RATE_LIMITED');
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('refuses a revoked token', async () => {
    await rt.app.inject({ method: 'DELETE', url: `/api/widget-tokens/${tokenId}`, headers: bearer(admin) });
    expect((await widget('GET', '/config', { origin: SHOP })).statusCode).toBe(401);
  });
});
