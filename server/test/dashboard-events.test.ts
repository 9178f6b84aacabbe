import type { LiveStatus, ReadyResponse } from '@ai-secretary/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeLlm, type FakeLlm } from '../src/testing/fake-llm.js';
import { bearer, createTestRuntime, type TestRuntime } from './helpers/runtime.js';

/** Reads `event: status` payloads from a live `GET /api/events` stream (fetch, as the panel does). */
interface FeedReader {
  statuses: LiveStatus[];
  waitFor(predicate: (status: LiveStatus) => boolean, what: string): Promise<LiveStatus>;
  close(): void;
}

async function openFeed(base: string, token: string): Promise<FeedReader> {
  const controller = new AbortController();
  const response = await fetch(`${base}/api/events`, { headers: bearer(token), signal: controller.signal });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const statuses: LiveStatus[] = [];
  const waiters = new Set<() => void>();
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const part of response.body as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(part, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = /^event: status\ndata: (.*)$/s.exec(event)?.[1];
          if (data) statuses.push(JSON.parse(data) as LiveStatus);
          for (const wake of waiters) wake();
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return {
    statuses,
    async waitFor(predicate, what) {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const found = statuses.find(predicate);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no status with ${what}: ${JSON.stringify(statuses.at(-1))}`);
        await new Promise<void>((resolve) => {
          const wake = () => (waiters.delete(wake), resolve());
          waiters.add(wake);
          setTimeout(wake, 1000);
        });
      }
    },
    close: () => controller.abort(),
  };
}

describe('GET /api/events: the live dashboard feed', () => {
  let rt: TestRuntime;
  let upstream: FakeLlm;
  let base: string;
  let admin: string;

  beforeAll(async () => {
    upstream = await createFakeLlm({ models: ['fake-model'], tokens: ['Hello', ' there', '.'] });
    rt = await createTestRuntime({
      env: { GSM_ENABLED: 'true', LLM_BASE_URL: upstream.url, LLM_MODEL: 'fake-model', LLM_BREAKER_FAILURES: '1' },
    });
    base = await rt.app.listen({ port: 0, host: '127.0.0.1' });
    admin = await rt.adminToken();
  }, 60_000);
  afterAll(async () => {
    rt?.app.server.closeAllConnections();
    await rt?.dispose();
    await upstream?.close();
  });

  it('refuses a stream without a signed-in user', async () => {
    const response = await fetch(`${base}/api/events`);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('AUTH_REQUIRED');
  });

  it('pushes the status at once, then the counters after an LLM chat and an SMS', async () => {
    const feed = await openFeed(base, admin);
    try {
      const first = await feed.waitFor(() => true, 'anything');
      expect(first.components.map((c) => c.name)).toEqual(expect.arrayContaining(['gsm', 'speech-workers']));
      expect(first.providers).toEqual([expect.objectContaining({ health: 'closed', cooldownLeftS: 0 })]);
      const modem = await feed.waitFor((s) => s.modem?.state === 'ready', 'the modem ready');
      expect(modem.modem).toMatchObject({ simulated: true, operator: 'SimNet' });
      const before = feed.statuses.at(-1)!.today;

      const chat = await rt.app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        headers: bearer(admin),
        payload: { model: 'fake-model', messages: [{ role: 'user', content: 'hello' }] },
      });
      expect(chat.statusCode).toBe(200);
      const afterChat = await feed.waitFor((s) => s.today.chats === before.chats + 1, 'one more chat');
      expect(afterChat.today.tokens).toBeGreaterThan(before.tokens);

      const sms = await rt.app.inject({
        method: 'POST',
        url: '/api/gsm/sms',
        headers: bearer(admin),
        payload: { to: '+79161234567', text: 'Your appointment is confirmed' },
      });
      expect(sms.statusCode).toBe(201);
      const afterSms = await feed.waitFor((s) => s.today.sms === before.sms + 1, 'one more SMS');
      expect(afterSms.today.chats).toBe(before.chats + 1);
      expect(Date.parse(afterSms.today.since) % 86_400_000).toBe(0);
    } finally {
      feed.close();
    }
  });

  it('gives a guest the status and counters but no providers or workers', async () => {
    const guest = await rt.createUser('guest');
    const feed = await openFeed(base, guest.token);
    try {
      const status = await feed.waitFor(() => true, 'anything');
      expect(status.providers).toEqual([]);
      expect(status.workers).toEqual([]);
      expect(status.components.length).toBeGreaterThan(0);
      expect(typeof status.today.chats).toBe('number');
    } finally {
      feed.close();
    }
  });

  it('a provider whose breaker opens shows its cooldown', async () => {
    const feed = await openFeed(base, admin);
    try {
      await upstream.setMode('error500');
      await rt.app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        headers: bearer(admin),
        payload: { model: 'fake-model', messages: [{ role: 'user', content: 'hello again' }] },
      });
      const open = await feed.waitFor((s) => s.providers.some((p) => p.health === 'open'), 'an open breaker');
      expect(open.providers[0]!.cooldownLeftS).toBeGreaterThan(0);
    } finally {
      await upstream.setMode('ok');
      feed.close();
    }
  });
});

describe('GET /api/events and shutdown', () => {
  it('an open stream does not hold up closing the server', { timeout: 60_000 }, async () => {
    const own = await createTestRuntime();
    const base = await own.app.listen({ port: 0, host: '127.0.0.1' });
    const feed = await openFeed(base, await own.adminToken());
    await feed.waitFor(() => true, 'a first status');
    // Without ending the open streams first, close() waits for this connection forever.
    await own.dispose();
    feed.close();
  });
});

describe('honest LLM health: providers are probed, not assumed healthy (issue 18, item 3)', () => {
  let rt: TestRuntime;
  let upstream: FakeLlm;
  let base: string;
  let admin: string;

  beforeAll(async () => {
    upstream = await createFakeLlm({ models: ['fake-model'] });
    await upstream.setMode('refuse'); // a fresh start with no vLLM running: nothing listens on its port
    rt = await createTestRuntime({
      env: { LLM_BASE_URL: upstream.url, LLM_MODEL: 'fake-model', LLM_PROBE_INTERVAL_S: '1' },
    });
    base = await rt.app.listen({ port: 0, host: '127.0.0.1' });
    admin = await rt.adminToken();
  }, 60_000);
  afterAll(async () => {
    rt?.app.server.closeAllConnections();
    await rt?.dispose();
    await upstream?.close();
  });

  const ready = async () => {
    const res = await rt.app.inject('/ready');
    return { statusCode: res.statusCode, body: res.json<ReadyResponse>() };
  };
  const llmComponent = (body: ReadyResponse) => body.components.find((c) => c.name === 'llm');

  it('with no provider reachable, /ready and the dashboard say so; both recover after the LLM starts', async () => {
    await expect.poll(async () => (await ready()).body.status, { timeout: 15_000 }).toBe('degraded');
    const degraded = await ready();
    expect(degraded.statusCode).toBe(200); // calls are still answered in degraded mode
    expect(llmComponent(degraded.body)).toMatchObject({ ok: true, degraded: true });
    expect(llmComponent(degraded.body)?.detail).toMatch(/^no LLM reachable: local-vllm \(.+\)$/);

    const feed = await openFeed(base, admin);
    try {
      const down = await feed.waitFor((s) => s.providers[0]?.reachable === false, 'an unreachable provider');
      expect(down.providers[0]).toMatchObject({ health: 'closed', lastError: expect.any(String) });
      expect(down.components.find((c) => c.name === 'llm')).toMatchObject({ degraded: true });

      await upstream.setMode('ok');
      const up = await feed.waitFor((s) => s.providers[0]?.reachable === true, 'the provider reachable again');
      expect(up.providers[0]!.lastError).toBeNull();
      expect(up.components.find((c) => c.name === 'llm')?.degraded).toBeUndefined();
    } finally {
      feed.close();
    }
    const recovered = await ready();
    expect(recovered.body.status).toBe('ready');
    expect(llmComponent(recovered.body)?.detail).toBe('reachable: local-vllm');
  });

  it('"test connection" probes at once and updates what /ready says', async () => {
    await upstream.setMode('refuse');
    const [provider] = (
      await rt.app.inject({ method: 'GET', url: '/api/llm/providers', headers: bearer(admin) })
    ).json<{ items: Array<{ id: string }> }>().items;
    const test = await rt.app.inject({
      method: 'POST',
      url: `/api/llm/providers/${provider!.id}/test`,
      headers: bearer(admin),
    });
    expect(test.json()).toMatchObject({ ok: false });
    expect((await ready()).body.status).toBe('degraded');
    await upstream.setMode('ok');
  });
});
