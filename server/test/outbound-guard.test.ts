import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeLlm, type FakeLlm } from '../src/testing/fake-llm.js';
import { bearer, createTestRuntime, type TestRuntime } from './helpers/runtime.js';

/** An HTTP server that records who called it and with which Authorization header. */
async function startRecorder() {
  const hits: Array<{ url: string; authorization: string | undefined }> = [];
  const server = http.createServer((req, res) => {
    hits.push({ url: req.url ?? '', authorization: req.headers.authorization });
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ object: 'list', data: [{ id: 'recorder-model', object: 'model' }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { hits, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('server-side requests an admin can aim (issue 19, defect 8)', () => {
  let llm: FakeLlm;
  let rt: TestRuntime;
  let admin: string;

  const start = async (allow: string) => {
    rt = await createTestRuntime({ env: { LLM_BASE_URL: llm.url, LLM_MODEL: 'fake-model', OUTBOUND_ALLOW: allow } });
    admin = await rt.adminToken();
  };
  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    rt.app.inject({ method, url, headers: bearer(admin), ...(payload && { payload }) });
  const providerCount = async () => (await call('GET', '/api/llm/providers')).json<{ items: unknown[] }>().items.length;

  beforeEach(async () => {
    llm = await createFakeLlm();
  });
  afterEach(async () => {
    rt.app.server.closeAllConnections();
    await rt.dispose();
    await llm.close();
  });

  it('refuses provider URLs aimed at metadata, loopback, private ranges and non-http schemes, writing nothing', async () => {
    await start('');
    const before = await providerCount();
    const aimed = [
      'http://169.254.169.254/latest/meta-data/',
      'http://127.0.0.1:9/v1',
      'http://0x7f000001/v1',
      'http://2130706433/v1',
      'http://[::1]:8000/v1',
      'http://[::ffff:127.0.0.1]/v1',
      'http://10.1.2.3/v1',
      'http://192.168.0.10/v1',
      'file:///etc/passwd',
      'gopher://example.com/',
    ];
    for (const baseUrl of aimed) {
      const res = await call('POST', '/api/llm/providers', { name: 'x', type: 'custom', baseUrl, models: ['m'] });
      expect(res.statusCode, baseUrl).toBe(400);
      expect(res.json().error.code, baseUrl).toBe('OUTBOUND_BLOCKED');
    }
    expect(await providerCount()).toBe(before);
    // The operator's own LLM_BASE_URL (loopback) is allowed for that host:port only, and it works.
    const [primary] = (await call('GET', '/api/llm/providers')).json<{ items: Array<{ id: string }> }>().items;
    expect((await call('POST', `/api/llm/providers/${primary!.id}/test`)).json()).toMatchObject({ ok: true });
  });

  it('checks the address after DNS: a name that resolves to loopback reaches nothing there', async () => {
    await start('');
    const inside = await startRecorder(); // stands for the server's own API or an internal service
    try {
      const created = await call('POST', '/api/llm/providers', {
        name: 'sneaky',
        type: 'custom',
        baseUrl: `http://localhost:${inside.port}/v1`,
        models: ['m'],
      });
      expect(created.statusCode).toBe(201);
      const tested = (await call('POST', `/api/llm/providers/${created.json().id}/test`)).json();
      expect(tested).toMatchObject({ ok: false, models: [] });
      expect(JSON.stringify(tested)).not.toContain('recorder-model');
      expect(inside.hits).toHaveLength(0);
    } finally {
      await inside.close();
    }
  });

  it('drops a stored key when a provider is moved to another host, unless a key comes with the move', async () => {
    await start('127.0.0.1');
    const other = await startRecorder();
    try {
      const created = await call('POST', '/api/llm/providers', {
        name: 'keyed',
        type: 'custom',
        baseUrl: llm.url,
        apiKey: 'sk-stored-secret-abcd',
        models: ['fake-model'],
      });
      const id = created.json<{ id: string }>().id;
      const moved = await call('PATCH', `/api/llm/providers/${id}`, { baseUrl: `http://127.0.0.1:${other.port}/v1` });
      expect(moved.json()).toMatchObject({ apiKeySet: false, apiKeyHint: null });
      await call('POST', `/api/llm/providers/${id}/test`);
      expect(other.hits.length).toBeGreaterThan(0);
      expect(other.hits.map((h) => h.authorization ?? '').join()).not.toContain('sk-stored-secret');
      // Same host, other path: the key stays. A move with a new key keeps the new key.
      const samePath = await call('PATCH', `/api/llm/providers/${id}`, {
        baseUrl: `http://127.0.0.1:${other.port}/v2`,
        apiKey: 'sk-new-secret-wxyz',
      });
      expect(samePath.json()).toMatchObject({ apiKeySet: true, apiKeyHint: 'sk-…wxyz' });
      const pathOnly = await call('PATCH', `/api/llm/providers/${id}`, {
        baseUrl: `http://127.0.0.1:${other.port}/v3`,
      });
      expect(pathOnly.json()).toMatchObject({ apiKeySet: true });
    } finally {
      await other.close();
    }
  });

  it('refuses webhooks aimed at the server or private addresses, at creation and after DNS at delivery', async () => {
    await start('');
    const receiver = await startRecorder();
    try {
      const direct = await call('POST', '/api/webhooks', { url: `http://127.0.0.1:${receiver.port}/hook` });
      expect(direct.statusCode).toBe(400);
      expect(direct.json().error.code).toBe('OUTBOUND_BLOCKED');
      const metadata = await call('POST', '/api/webhooks', { url: 'http://169.254.169.254/hook' });
      expect(metadata.statusCode).toBe(400);
      const named = await call('POST', '/api/webhooks', { url: `http://localhost:${receiver.port}/hook` });
      expect(named.statusCode).toBe(201);
      const { webhook } = named.json<{ webhook: { id: string } }>();
      await rt.notifier.messageTaken({
        id: '22222222-2222-4222-8222-222222222222',
        conversationId: null,
        channel: 'gsm',
        source: 'llm',
        callerName: 'Caller',
        callbackNumber: '+15550001111',
        reason: 'call back',
        createdAt: Date.UTC(2026, 0, 2),
        handledAt: null,
        handledBy: null,
      });
      expect(receiver.hits).toHaveLength(0);
      const after = (await rt.stores.webhooks.list()).find((h) => h.id === webhook.id)!;
      expect(after.lastError).toMatch(/refused/);
    } finally {
      await receiver.close();
    }
  });

  it('lets an explicit OUTBOUND_ALLOW entry open a private host:port and nothing else', async () => {
    const receiver = await startRecorder();
    try {
      await start(`127.0.0.1:${receiver.port}`);
      const allowed = await call('POST', '/api/webhooks', { url: `http://127.0.0.1:${receiver.port}/hook` });
      expect(allowed.statusCode).toBe(201);
      const otherPort = await call('POST', '/api/webhooks', { url: `http://127.0.0.1:${receiver.port + 1}/hook` });
      expect(otherPort.statusCode).toBe(400);
    } finally {
      await receiver.close();
    }
  });
});
