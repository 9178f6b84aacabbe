import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { VOICE_WS_SUBPROTOCOL } from '@ai-secretary/protocol';
import {
  WIDGET_SESSION_LIMIT_CLOSE,
  WIDGET_TOKEN_REVOKED_CLOSE,
  WIDGET_TOKEN_REVOKED_REASON,
} from '../../src/channels/web-voice/index.js';
import { createCallerLine } from '../../src/testing/fake-caller.js';
import { createFakeLlm } from '../../src/testing/fake-llm-port.js';
import { createFakeStt } from '../../src/testing/fake-stt.js';
import { createFakeTts } from '../../src/testing/fake-tts.js';
import { createFakeVad } from '../../src/testing/fake-vad.js';
import { bearer, createTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { connect, rejected, type Client } from '../helpers/ws-voice-client.js';

const SHOP = 'https://shop.example';

describe('widget tokens: /api/widget-tokens and GET /ws/voice', () => {
  let rt: TestRuntime;
  let base: string;
  let admin: string;
  const llm = createFakeLlm({ script: [{ text: 'We close at six today. Anything else?' }] });
  const stt = createFakeStt({ script: ['When do you close today?'] });

  beforeAll(async () => {
    rt = await createTestRuntime({
      env: { VOICE_SILENCE_PROMPT_S: '60' },
      voicePorts: { vad: createFakeVad(), stt, llm, tts: createFakeTts() },
    });
    const address = await rt.app.listen({ port: 0, host: '127.0.0.1' });
    base = address.replace('http', 'ws');
    admin = await rt.adminToken();
  });
  afterAll(async () => {
    await rt.dispose();
  });

  async function createToken(body: Record<string, unknown>) {
    const res = await rt.app.inject({
      method: 'POST',
      url: '/api/widget-tokens',
      headers: bearer(admin),
      payload: body,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ token: string; widgetToken: { id: string; prefix: string } }>();
  }

  async function opened(client: Client): Promise<string> {
    const ready = await client.next((m) => m.type === 'ready');
    return (ready as { sessionId: string }).sessionId;
  }

  it('creates a token shown once, lists only its prefix, and audits without the secret', async () => {
    const { token, widgetToken } = await createToken({ name: 'Shop site', allowedOrigins: [SHOP] });
    expect(token).toMatch(/^wt-[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    expect(token.startsWith(`${widgetToken.prefix}_`)).toBe(true);
    expect(widgetToken).toMatchObject({
      name: 'Shop site',
      allowedOrigins: [SHOP],
      route: null,
      maxConcurrentSessions: 2,
      revokedAt: null,
    });

    const list = await rt.app.inject({ url: '/api/widget-tokens', headers: bearer(admin) });
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((t: { id: string }) => t.id)).toContain(widgetToken.id);
    expect(list.body).not.toContain(token.slice(widgetToken.prefix.length + 1));
    expect(list.body).not.toContain('Hash');

    const audit = await rt.app.inject({ url: '/api/audit?action=widget_tokens.', headers: bearer(admin) });
    expect(audit.json().items.map((e: { action: string }) => e.action)).toContain('widget_tokens.create');
    expect(audit.body).not.toContain(token);
  });

  it('refuses bad input with 400 and non-admins with 403', async () => {
    for (const payload of [
      { name: '' },
      { name: 'x', allowedOrigins: ['https://shop.example/path'] },
      { name: 'x', maxConcurrentSessions: 0 },
      { name: 'x', extra: true },
    ]) {
      const res = await rt.app.inject({ method: 'POST', url: '/api/widget-tokens', headers: bearer(admin), payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    }
    const badOrigin = await rt.app.inject({
      method: 'POST',
      url: '/api/widget-tokens',
      headers: bearer(admin),
      payload: { name: 'x', allowedOrigins: ['https://shop.example', 'shop.example'] },
    });
    expect(badOrigin.json().error.message).toBe(
      'body/allowedOrigins/1 is not valid (expected: Exact origin, e.g. https://shop.example)',
    );
    for (const role of ['guest', 'user'] as const) {
      const { token } = await rt.createUser(role);
      const create = await rt.app.inject({
        method: 'POST',
        url: '/api/widget-tokens',
        headers: bearer(token),
        payload: { name: 'sneaky' },
      });
      expect(create.statusCode, role).toBe(403);
      expect((await rt.app.inject({ url: '/api/widget-tokens', headers: bearer(token) })).statusCode, role).toBe(403);
    }
  });

  it('holds a voice conversation from an allowed origin and stores it with channel widget', async () => {
    const { token, widgetToken } = await createToken({
      name: 'Shop widget',
      allowedOrigins: [SHOP, 'http://localhost:5173'],
      route: 'shop-persona',
    });
    const client = connect(`${base}/ws/voice?sampleRate=16000`, [VOICE_WS_SUBPROTOCOL, `bearer.${token}`], {
      origin: SHOP,
    });
    await new Promise((resolve) => client.ws.once('open', resolve));
    expect(client.ws.protocol).toBe(VOICE_WS_SUBPROTOCOL);
    const sessionId = await opened(client);

    const caller = createCallerLine();
    const sending = (async () => {
      for await (const chunk of caller.input) {
        if (client.ws.readyState !== WebSocket.OPEN) return;
        client.ws.send(Buffer.from(chunk.pcm.buffer));
      }
    })();
    await client.next((m) => m.type === 'state' && m.to === 'listening');
    expect(client.audioBytes).toBeGreaterThan(0);
    await caller.say(700);
    await client.next((m) => m.type === 'metrics');
    client.ws.send(JSON.stringify({ type: 'hangup' }));
    expect(await client.next((m) => m.type === 'ended')).toEqual({ type: 'ended', outcome: 'hung_up' });
    expect(await client.closed).toBe(1000);
    caller.hangUp();
    await sending;

    expect(client.events).toContainEqual({ type: 'reply', turn: 1, text: 'We close at six today.' });
    const call = llm.state.calls.at(-1)!;
    expect(call.request.metadata).toMatchObject({ channel: 'widget', route: 'shop-persona' });

    const detail = await rt.app.inject({ url: `/api/conversations/${sessionId}`, headers: bearer(admin) });
    expect(detail.statusCode).toBe(200);
    expect(detail.json().conversation).toMatchObject({
      channel: 'widget',
      caller: 'Shop widget',
      outcome: 'hung_up',
      turnCount: 1,
    });
    const list = await rt.app.inject({ url: '/api/widget-tokens', headers: bearer(admin) });
    const listed = list.json().items.find((t: { id: string }) => t.id === widgetToken.id);
    expect(listed.lastUsedAt).not.toBeNull();
  });

  it('refuses unknown and revoked tokens (401) and foreign or missing origins (403) before the upgrade', async () => {
    const { token, widgetToken } = await createToken({ name: 'Locked', allowedOrigins: [SHOP] });
    expect(await rejected(`${base}/ws/voice?token=wt-abcd1234_${'x'.repeat(43)}`, [], { origin: SHOP })).toBe(401);
    expect(await rejected(`${base}/ws/voice?token=${token}`, [], { origin: 'https://evil.example' })).toBe(403);
    expect(await rejected(`${base}/ws/voice?token=${token}`, [], { origin: `${SHOP}:8443` })).toBe(403);
    expect(await rejected(`${base}/ws/voice?token=${token}`)).toBe(403);

    // Allowed before revocation (the query-parameter form), refused after it.
    const before = connect(`${base}/ws/voice?token=${token}`, [], { origin: SHOP });
    await opened(before);
    before.ws.send(JSON.stringify({ type: 'hangup' }));
    expect(await before.closed).toBe(1000);
    const revoke = await rt.app.inject({
      method: 'DELETE',
      url: `/api/widget-tokens/${widgetToken.id}`,
      headers: bearer(admin),
    });
    expect(revoke.statusCode).toBe(200);
    expect(revoke.json().revokedAt).not.toBeNull();
    expect(await rejected(`${base}/ws/voice?token=${token}`, [], { origin: SHOP })).toBe(401);
    expect(await rejected(`${base}/ws/voice`, [VOICE_WS_SUBPROTOCOL, `bearer.${token}`], { origin: SHOP })).toBe(401);

    const missing = await rt.app.inject({
      method: 'DELETE',
      url: '/api/widget-tokens/00000000-0000-4000-8000-000000000000',
      headers: bearer(admin),
    });
    expect(missing.statusCode).toBe(404);
  });

  it("revoking a token closes its open sessions with 4401, refuses it afterwards, and leaves other tokens' sessions", async () => {
    const { token, widgetToken } = await createToken({ name: 'Leaked', allowedOrigins: [SHOP] });
    const { token: otherToken } = await createToken({ name: 'Kept' });
    const leaked = connect(`${base}/ws/voice`, [VOICE_WS_SUBPROTOCOL, `bearer.${token}`], { origin: SHOP });
    const sessionId = await opened(leaked);
    const kept = connect(`${base}/ws/voice?token=${otherToken}`);
    await opened(kept);

    const listed = async () => {
      const res = await rt.app.inject({ url: '/api/widget-tokens', headers: bearer(admin) });
      return res
        .json<{ items: Array<{ id: string; openSessions: number }> }>()
        .items.find((t) => t.id === widgetToken.id);
    };
    expect((await listed())?.openSessions).toBe(1);

    const revoke = await rt.app.inject({
      method: 'DELETE',
      url: `/api/widget-tokens/${widgetToken.id}`,
      headers: bearer(admin),
    });
    expect(revoke.statusCode, revoke.body).toBe(200);
    expect(revoke.json()).toMatchObject({ revokedAt: expect.any(String), openSessions: 0 });

    const stillOpen = new Promise<string>((resolve) => setTimeout(() => resolve('still open after 10 s'), 10_000));
    expect(await Promise.race([leaked.closed, stillOpen])).toBe(WIDGET_TOKEN_REVOKED_CLOSE);
    expect(leaked.closeReason).toBe(WIDGET_TOKEN_REVOKED_REASON);
    expect((await listed())?.openSessions).toBe(0);
    expect(await rejected(`${base}/ws/voice`, [VOICE_WS_SUBPROTOCOL, `bearer.${token}`], { origin: SHOP })).toBe(401);
    expect(await rejected(`${base}/ws/voice?token=${token}`, [], { origin: SHOP })).toBe(401);

    // The engine saw the session end; the other token's session goes on.
    await expect
      .poll(async () => {
        const res = await rt.app.inject({ url: `/api/conversations/${sessionId}`, headers: bearer(admin) });
        return res.json<{ conversation?: { endedAt: string | null } }>().conversation?.endedAt ?? null;
      })
      .not.toBeNull();
    expect(kept.ws.readyState).toBe(WebSocket.OPEN);
    kept.ws.send(JSON.stringify({ type: 'hangup' }));
    expect(await kept.closed).toBe(1000);
  });

  it('accepts any origin when the allow-list is empty', async () => {
    const { token } = await createToken({ name: 'Open' });
    const client = connect(`${base}/ws/voice?token=${token}`, [], { origin: 'https://anywhere.example' });
    await opened(client);
    client.ws.send(JSON.stringify({ type: 'hangup' }));
    expect(await client.closed).toBe(1000);
  });

  it("closes connections beyond the token's concurrent-session limit, and frees the slot on hang-up", async () => {
    const { token } = await createToken({ name: 'Single', maxConcurrentSessions: 1 });
    const first = connect(`${base}/ws/voice?token=${token}`);
    await opened(first);

    const second = connect(`${base}/ws/voice?token=${token}`);
    expect(await second.closed).toBe(WIDGET_SESSION_LIMIT_CLOSE);
    expect(second.closeReason).toMatch(/too many sessions/);
    expect(second.events).toContainEqual({
      type: 'error',
      code: 'VOICE_SESSION_LIMIT',
      message: 'This widget token allows 1 concurrent voice sessions',
    });
    expect(second.events.some((m) => m.type === 'ready')).toBe(false);

    first.ws.send(JSON.stringify({ type: 'hangup' }));
    expect(await first.closed).toBe(1000);
    // The server frees the slot when it sees the session end; retry until it has.
    const deadline = Date.now() + 15_000;
    for (;;) {
      const third = connect(`${base}/ws/voice?token=${token}`);
      const outcome = await Promise.race([
        third.next((m) => m.type === 'ready').then(() => 'ready' as const),
        third.closed.then((code) => code),
      ]);
      if (outcome === 'ready') {
        third.ws.send(JSON.stringify({ type: 'hangup' }));
        expect(await third.closed).toBe(1000);
        break;
      }
      expect(outcome).toBe(WIDGET_SESSION_LIMIT_CLOSE);
      if (Date.now() > deadline) throw new Error('the slot was never freed');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  it('is refused on /api and /v1: widget tokens open voice sessions only', async () => {
    const { token } = await createToken({ name: 'Nowhere else' });
    for (const [method, url] of [
      ['GET', '/api/auth/me'],
      ['GET', '/api/widget-tokens'],
      ['GET', '/api/conversations'],
      ['GET', '/v1/models'],
      ['POST', '/v1/chat/completions'],
    ] as const) {
      const res = await rt.app.inject({
        method,
        url,
        headers: bearer(token),
        ...(method === 'POST' ? { payload: { model: 'secretary', messages: [{ role: 'user', content: 'hi' }] } } : {}),
      });
      expect(res.statusCode, `${method} ${url}`).toBe(401);
    }
  });
});
