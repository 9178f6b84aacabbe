import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { VOICE_WS_SUBPROTOCOL } from '@ai-secretary/protocol';
import { createCallerLine } from '../../src/testing/fake-caller.js';
import { createFakeLlm } from '../../src/testing/fake-llm-port.js';
import { createFakeStt } from '../../src/testing/fake-stt.js';
import { createFakeTts } from '../../src/testing/fake-tts.js';
import { createFakeVad } from '../../src/testing/fake-vad.js';
import { bearer, createTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { connect, rejected } from '../helpers/ws-voice-client.js';

describe('GET /ws/voice', () => {
  let rt: TestRuntime;
  let base: string;
  const llm = createFakeLlm({ script: [{ text: 'We close at six today. Anything else?' }] });
  const stt = createFakeStt({ script: ['When do you close today?'] });

  beforeAll(async () => {
    rt = await createTestRuntime({
      env: { VOICE_SILENCE_PROMPT_S: '60' },
      voicePorts: { vad: createFakeVad(), stt, llm, tts: createFakeTts() },
    });
    const address = await rt.app.listen({ port: 0, host: '127.0.0.1' });
    base = address.replace('http', 'ws');
  });
  afterAll(async () => {
    await rt.dispose();
  });

  it('holds a conversation over PCM frames and JSON events, then stores it', async () => {
    const token = await rt.adminToken();
    const client = connect(`${base}/ws/voice?sampleRate=16000`, [VOICE_WS_SUBPROTOCOL, `bearer.${token}`]);
    await new Promise((resolve) => client.ws.once('open', resolve));
    expect(client.ws.protocol).toBe(VOICE_WS_SUBPROTOCOL);
    const ready = await client.next((m) => m.type === 'ready');
    const sessionId = (ready as { sessionId: string }).sessionId;

    const caller = createCallerLine();
    const sending = (async () => {
      for await (const chunk of caller.input) {
        if (client.ws.readyState !== WebSocket.OPEN) return;
        client.ws.send(Buffer.from(chunk.pcm.buffer));
      }
    })();
    await client.next((m) => m.type === 'state' && m.to === 'listening');
    const greetingBytes = client.audioBytes;
    expect(greetingBytes).toBeGreaterThan(0);

    // Bad input in the middle of a call: reported, and the call goes on.
    client.ws.send(Buffer.from([1, 2, 3]));
    client.ws.send('not json');
    client.ws.send(JSON.stringify({ type: 'dance' }));
    await caller.say(700);
    const metrics = await client.next((m) => m.type === 'metrics');
    client.ws.send(JSON.stringify({ type: 'hangup' }));
    const ended = await client.next((m) => m.type === 'ended');
    expect(await client.closed).toBe(1000);
    caller.hangUp();
    await sending;

    expect(ended).toEqual({ type: 'ended', outcome: 'hung_up' });
    expect(client.events.filter((m) => m.type === 'error').map((m) => (m as { code: string }).code)).toEqual([
      'VOICE_BAD_AUDIO',
      'VOICE_BAD_MESSAGE',
      'VOICE_BAD_MESSAGE',
    ]);
    expect(client.events).toContainEqual({
      type: 'transcript',
      turn: 1,
      kind: 'final',
      text: 'When do you close today?',
    });
    expect(client.events).toContainEqual({ type: 'reply', turn: 1, text: 'We close at six today.' });
    // The fake TTS speaks 10 ms per character: 36 characters = 0.36 s = 11,520 bytes at 16 kHz.
    expect(client.audioBytes - greetingBytes).toBeGreaterThanOrEqual(11_520);
    expect(llm.state.calls[0]!.request.messages.at(-1)).toEqual({ role: 'user', content: 'When do you close today?' });

    const detail = await rt.app.inject({ url: `/api/conversations/${sessionId}`, headers: bearer(token) });
    expect(detail.statusCode).toBe(200);
    const body = detail.json();
    expect(body.conversation).toMatchObject({ channel: 'web', caller: 'admin', outcome: 'hung_up', turnCount: 1 });
    expect(body.turns[0].metrics).toEqual((metrics as { metrics: unknown }).metrics);
    const scraped = await rt.app.inject({ url: '/metrics' });
    expect(scraped.body).toContain('voice_voice_to_voice_seconds_count{channel="web"} 1');
    expect(scraped.body).toContain('voice_sessions_total{channel="web",outcome="hung_up"} 1');
  });

  it('refuses connections without a valid admin-panel token, from guests, or with a bad sample rate', async () => {
    expect(await rejected(`${base}/ws/voice`)).toBe(401);
    expect(await rejected(`${base}/ws/voice?token=not-a-real-token-at-all`)).toBe(401);
    const guest = await rt.createUser('guest');
    expect(await rejected(`${base}/ws/voice`, [VOICE_WS_SUBPROTOCOL, `bearer.${guest.token}`])).toBe(403);
    const token = await rt.adminToken();
    expect(await rejected(`${base}/ws/voice?sampleRate=12345&token=${token}`)).toBe(400);
  });
});
