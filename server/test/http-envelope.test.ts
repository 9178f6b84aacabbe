import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestRuntime, type TestRuntime } from './helpers/runtime.js';

/** Sends raw bytes and returns the raw HTTP response (for what Node's parser refuses before Fastify). */
function rawRequest(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', (e) => (chunks.length > 0 ? resolve(Buffer.concat(chunks).toString()) : reject(e)));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString()));
    socket.end(request);
  });
}

function parseRaw(response: string): { status: number; headers: string; body: unknown } {
  const [head, ...rest] = response.split('\r\n\r\n');
  return { status: Number(head!.split(' ')[1]), headers: head!, body: JSON.parse(rest.join('\r\n\r\n')) };
}

describe('every refusal speaks the interface’s error format (issue 19, item 10)', () => {
  let rt: TestRuntime;
  let apiKey: string;
  let port: number;
  beforeAll(async () => {
    rt = await createTestRuntime();
    const owner = await rt.services.users.findByUsername('admin');
    apiKey = (await rt.services.apiKeys.create({ name: 'envelope', ownerId: owner!.id, createdBy: null })).key;
    const address = await rt.app.listen({ port: 0, host: '127.0.0.1' });
    port = Number(new URL(address).port);
  });
  afterAll(async () => {
    await rt.dispose();
  });

  const openAiShape = {
    error: { message: expect.any(String), type: 'invalid_request_error', param: null, code: expect.any(String) },
  };

  const malformed: Array<[string, string, string]> = [
    [
      'no boundary',
      'multipart/form-data',
      '--x\r\ncontent-disposition: form-data; name="model"\r\n\r\nwhisper\r\n--x--\r\n',
    ],
    [
      'a body cut short',
      'multipart/form-data; boundary=x',
      '--x\r\ncontent-disposition: form-data; name="file"; filename="a.wav"\r\n\r\nRIFF',
    ],
    ['a malformed part header', 'multipart/form-data; boundary=x', '--x\r\n\x00\x01garbage\r\n\r\nvalue\r\n--x--\r\n'],
    ['garbage', 'multipart/form-data; boundary=x', 'this is not multipart at all'],
  ];
  for (const [name, contentType, payload] of malformed) {
    it(`malformed multipart (${name}) → 400 in OpenAI's error shape`, async () => {
      const res = await rt.app.inject({
        method: 'POST',
        url: '/v1/audio/transcriptions',
        headers: { ...bearer(apiKey), 'content-type': contentType },
        payload,
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject(openAiShape);
    });
  }

  const adminShape = (code: string) => ({ error: { code, message: expect.any(String) } });
  const openAi = (code: string) => ({
    error: { message: expect.any(String), type: 'invalid_request_error', param: null, code },
  });

  it('a path parameter over the router’s length limit → 414 in the admin envelope', async () => {
    const admin = await rt.adminToken();
    const res = await rt.app.inject({ method: 'GET', url: `/api/users/${'x'.repeat(300)}`, headers: bearer(admin) });
    expect(res.statusCode).toBe(414);
    expect(res.json()).toEqual(adminShape('URI_TOO_LONG'));
    expect(res.body).not.toContain('x'.repeat(300));
  });

  const long = 'q'.repeat(20_000);
  const refusedByNode: Array<[string, string, number, unknown]> = [
    [
      'a URL over the size limit on /api',
      `GET /api/auth/me?q=${long} HTTP/1.1\r\nHost: t\r\n\r\n`,
      414,
      adminShape('URI_TOO_LONG'),
    ],
    [
      'a URL over the size limit on /v1',
      `GET /v1/models?q=${long} HTTP/1.1\r\nHost: t\r\n\r\n`,
      414,
      openAi('uri_too_long'),
    ],
    [
      'headers over the size limit on /api',
      `GET /api/auth/me HTTP/1.1\r\nHost: t\r\nX-Big: ${long}\r\n\r\n`,
      431,
      adminShape('HEADERS_TOO_LARGE'),
    ],
    [
      'headers over the size limit on /v1',
      `GET /v1/models HTTP/1.1\r\nHost: t\r\nX-Big: ${long}\r\n\r\n`,
      431,
      openAi('headers_too_large'),
    ],
    ['something that is not HTTP', 'HELLO THERE\r\n\r\n', 400, adminShape('BAD_REQUEST')],
  ];
  for (const [name, request, status, shape] of refusedByNode) {
    it(`${name} → ${status} in that interface’s envelope`, async () => {
      const res = parseRaw(await rawRequest(port, request));
      expect(res.status).toBe(status);
      expect(res.headers).toMatch(/content-type: application\/json/i);
      expect(res.body).toEqual(shape);
    });
  }
});
