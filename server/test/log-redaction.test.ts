import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { VOICE_WS_SUBPROTOCOL } from '@ai-secretary/protocol';
import { bearer, createTestRuntime, type TestRuntime } from './helpers/runtime.js';

describe('credentials never reach the log (issue 19, defect 9)', () => {
  let rt: TestRuntime;
  const lines: string[] = [];
  beforeAll(async () => {
    rt = await createTestRuntime({
      env: { LOG_LEVEL: 'info' },
      logDestination: { write: (l: string) => lines.push(l) },
    });
  });
  afterAll(async () => {
    await rt.dispose();
  });

  /** Opens /ws/voice the way a client does, and waits for the server to answer (open or refusal). */
  function dial(url: string, protocols: string[] = []): Promise<void> {
    return new Promise((resolve) => {
      const ws = new WebSocket(url, protocols);
      ws.once('open', () => {
        ws.close();
        resolve();
      });
      ws.once('unexpected-response', () => resolve());
      ws.once('error', () => resolve());
    });
  }

  it('redacts ?token= of /ws/voice (access JWT and widget token) and keeps the rest of the URL', async () => {
    const { accessToken } = await rt.login('admin', 'admin-password-1');
    const admin = await rt.adminToken();
    const created = await rt.app.inject({
      method: 'POST',
      url: '/api/widget-tokens',
      headers: bearer(admin),
      payload: { name: 'shop', allowedOrigins: ['https://shop.example'] },
    });
    expect(created.statusCode).toBe(201);
    const widgetToken = created.json<{ token: string }>().token;
    const base = (await rt.app.listen({ port: 0, host: '127.0.0.1' })).replace('http', 'ws');
    lines.length = 0;
    await dial(`${base}/ws/voice?sampleRate=16000&token=${accessToken}`);
    await dial(`${base}/ws/voice?token=${widgetToken}&sampleRate=16000`);
    await dial(`${base}/ws/voice?sampleRate=16000`, [VOICE_WS_SUBPROTOCOL, `bearer.${accessToken}`]);
    await rt.app.inject({ method: 'GET', url: `/api/nowhere?access_token=${accessToken}&api_key=sk-live-123456` });
    const log = lines.join('');
    expect(log).toContain('/ws/voice?sampleRate=16000&token=[redacted]');
    expect(log).toContain('/ws/voice?token=[redacted]&sampleRate=16000');
    for (const secret of [accessToken, widgetToken, 'sk-live-123456', accessToken.split('.')[2]!]) {
      expect(log).not.toContain(secret);
    }
  });
});
