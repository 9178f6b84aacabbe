import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/core/messages/webhooks.js';
import type { TakenMessage } from '../../src/core/voice/ports.js';
import { bearer, createTestRuntime, type TestRuntime } from '../helpers/runtime.js';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A local HTTP receiver: answers `statuses` in turn (then 204) and records each request. */
function startReceiver(statuses: number[] = []) {
  const received: Received[] = [];
  let notify: (() => void) | null = null;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = statuses.shift() ?? 204;
      res.end();
      notify?.();
    });
  });
  return {
    received,
    listen: () =>
      new Promise<string>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`)),
      ),
    waitFor: (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => (received.length >= count ? resolve() : undefined);
        notify = check;
        check();
      }),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

const message = (id: string, conversationId: string | null = null): TakenMessage => ({
  id,
  conversationId,
  channel: 'gsm',
  source: 'llm',
  callerName: 'Анна Петрова',
  callbackNumber: '+79161234567',
  reason: 'Перенести запись',
  createdAt: Date.UTC(2026, 0, 2, 3, 4, 5),
  handledAt: null,
  handledBy: null,
});

describe('taken messages and signed webhooks', () => {
  let rt: TestRuntime;
  let admin: string;
  beforeAll(async () => {
    rt = await createTestRuntime({ env: { WEBHOOK_ATTEMPTS: '2' } });
    admin = await rt.adminToken();
  });
  afterAll(async () => {
    await rt.dispose();
  });

  it('signs deliveries with HMAC-SHA256 over timestamp and body, and retries a 5xx once', async () => {
    const receiver = startReceiver([503]);
    const url = await receiver.listen();
    const created = await rt.app.inject({
      method: 'POST',
      url: '/api/webhooks',
      headers: bearer(admin),
      payload: { url, secret: 'a-long-shared-secret-123' },
    });
    expect(created.statusCode).toBe(201);
    const { webhook, secret } = created.json();
    expect(secret).toBe('a-long-shared-secret-123');

    await rt.stores.conversations.addMessage(message('11111111-1111-4111-8111-111111111111'));
    await rt.notifier.messageTaken(message('11111111-1111-4111-8111-111111111111'));
    await receiver.waitFor(2);
    await receiver.close();

    const [first, second] = receiver.received;
    expect(second!.body).toBe(first!.body);
    const timestamp = Number(second!.headers['x-secretary-timestamp']);
    const signature = String(second!.headers['x-secretary-signature']);
    expect(verifyWebhook(secret, timestamp, second!.body, signature)).toBe(true);
    expect(verifyWebhook('another-secret-entirely', timestamp, second!.body, signature)).toBe(false);
    expect(verifyWebhook(secret, timestamp + 1, second!.body, signature)).toBe(false);
    expect(verifyWebhook(secret, timestamp, second!.body.replace('Анна', 'Анны'), signature)).toBe(false);
    expect(second!.headers['x-secretary-event']).toBe('message.taken');
    expect(JSON.parse(second!.body)).toEqual({
      event: 'message.taken',
      data: {
        id: '11111111-1111-4111-8111-111111111111',
        conversationId: null,
        channel: 'gsm',
        callerName: 'Анна Петрова',
        callbackNumber: '+79161234567',
        reason: 'Перенести запись',
        createdAt: '2026-01-02T03:04:05.000Z',
      },
    });

    const list = await rt.app.inject({ url: '/api/webhooks', headers: bearer(admin) });
    const stored = list.json().items.find((w: { id: string }) => w.id === webhook.id);
    expect(stored).toMatchObject({ lastStatus: 204, lastError: null, enabled: true });
    expect(JSON.stringify(list.json())).not.toContain(secret);
    const removed = await rt.app.inject({
      method: 'DELETE',
      url: `/api/webhooks/${webhook.id}`,
      headers: bearer(admin),
    });
    expect(removed.statusCode).toBe(200);
  });

  it('records a failing receiver without throwing', async () => {
    const receiver = startReceiver([500, 500]);
    const url = await receiver.listen();
    const created = await rt.app.inject({
      method: 'POST',
      url: '/api/webhooks',
      headers: bearer(admin),
      payload: { url },
    });
    const { webhook, secret } = created.json();
    expect(secret.length).toBeGreaterThanOrEqual(32);
    await rt.notifier.messageTaken(message('22222222-2222-4222-8222-222222222222'));
    await receiver.close();
    const list = await rt.app.inject({ url: '/api/webhooks', headers: bearer(admin) });
    expect(list.json().items.find((w: { id: string }) => w.id === webhook.id)).toMatchObject({
      lastStatus: 500,
      lastError: 'HTTP 500',
    });
    await rt.app.inject({ method: 'DELETE', url: `/api/webhooks/${webhook.id}`, headers: bearer(admin) });
  });

  it('lists messages, filters open/handled, and marks one handled (audited)', async () => {
    await rt.stores.conversations.addMessage(message('33333333-3333-4333-8333-333333333333'));
    const user = await rt.createUser('user');
    const open = await rt.app.inject({ url: '/api/messages?handled=false', headers: bearer(user.token) });
    expect(open.statusCode).toBe(200);
    expect(open.json().items.map((m: { id: string }) => m.id)).toContain('33333333-3333-4333-8333-333333333333');

    const marked = await rt.app.inject({
      method: 'POST',
      url: '/api/messages/33333333-3333-4333-8333-333333333333/handled',
      headers: bearer(user.token),
    });
    expect(marked.statusCode).toBe(200);
    expect(marked.json()).toMatchObject({ handledBy: user.id, callerName: 'Анна Петрова' });
    const handled = await rt.app.inject({ url: '/api/messages?handled=true', headers: bearer(user.token) });
    expect(handled.json().items.map((m: { id: string }) => m.id)).toEqual(['33333333-3333-4333-8333-333333333333']);
    const audit = await rt.app.inject({ url: '/api/audit', headers: bearer(admin) });
    expect(JSON.stringify(audit.json())).toContain('messages.handle');
  });

  it('rejects bad input with 4xx in the admin format', async () => {
    const bad = async (method: 'GET' | 'POST', url: string, payload?: unknown, token = admin) =>
      rt.app.inject({ method, url, payload: payload as object, headers: bearer(token) });
    expect((await bad('POST', '/api/webhooks', { url: 'ftp://example.com/x' })).statusCode).toBe(400);
    expect((await bad('POST', '/api/webhooks', { url: 'http://example.com/x', secret: 'short' })).statusCode).toBe(400);
    expect((await bad('POST', '/api/webhooks', { url: 'http://example.com/x', extra: 1 })).statusCode).toBe(400);
    expect((await bad('GET', '/api/messages?handled=maybe')).statusCode).toBe(400);
    expect((await bad('GET', '/api/messages?limit=100000')).statusCode).toBe(400);
    const missing = await bad('POST', '/api/messages/44444444-4444-4444-8444-444444444444/handled');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
    expect((await bad('GET', '/api/conversations/44444444-4444-4444-8444-444444444444')).statusCode).toBe(404);
    const user = await rt.createUser('user');
    expect((await bad('GET', '/api/webhooks', undefined, user.token)).statusCode).toBe(403);
  });
});
