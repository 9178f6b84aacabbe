import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { pdf } from './files.js';

const LIMIT_BYTES = 4096;
const PAGE =
  '<html><body><h1>Northwind Shop</h1><h2>Delivery</h2><p>Courier delivery across the city costs $5 and takes one day.</p>' +
  '<h2>Returns</h2><p>Unworn items can be returned within 30 days.</p></body></html>';

/** A website the admin points at: an HTML page, a PDF, and pages that fail in each way. */
async function startSite() {
  const pdfFile = pdf('Gift cards are sold at the counter.');
  const server = http.createServer((req, res) => {
    const send = (status: number, type: string, body: string | Buffer) => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    if (req.url === '/delivery.html') return send(200, 'text/html; charset=utf-8', PAGE);
    if (req.url === '/cards.pdf') return send(200, 'application/pdf', pdfFile);
    if (req.url === '/big') return send(200, 'text/plain', 'x '.repeat(LIMIT_BYTES));
    if (req.url === '/logo.png') return send(200, 'image/png', Buffer.from([137, 80, 78, 71]));
    if (req.url === '/empty') return send(200, 'text/plain', '');
    send(404, 'text/plain', 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('/api/knowledge/documents/url', () => {
  let rt: TestRuntime;
  let admin: string;
  let site: Awaited<ReturnType<typeof startSite>>;
  const post = (payload: object) =>
    rt.app.inject({ method: 'POST', url: '/api/knowledge/documents/url', headers: bearer(admin), payload });
  const count = async () =>
    (await rt.app.inject({ method: 'GET', url: '/api/knowledge/documents', headers: bearer(admin) })).json<{
      items: unknown[];
    }>().items.length;

  beforeAll(async () => {
    site = await startSite();
    rt = await createTestRuntime({
      env: { KNOWLEDGE_MAX_UPLOAD_BYTES: String(LIMIT_BYTES), KNOWLEDGE_MIN_SCORE: '0' },
    });
    admin = await rt.adminToken();
  }, 60_000);
  afterAll(async () => {
    await rt.dispose();
    await site.close();
  });

  it('fetches a page, keeps its headings and names the URL as the source', async () => {
    const res = await post({ url: `${site.url}/delivery.html` });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ title: 'delivery', source: `${site.url}/delivery.html`, format: 'html' });
    const search = await rt.app.inject({
      method: 'GET',
      url: `/api/knowledge/search?q=${encodeURIComponent('courier delivery across the city')}`,
      headers: bearer(admin),
    });
    const hits = search.json<{ hits: Array<{ heading: string; text: string }> }>().hits;
    expect(hits[0]?.heading).toBe('Northwind Shop › Delivery');
    const pdfDoc = await post({ url: `${site.url}/cards.pdf`, title: 'Gift cards' });
    expect(pdfDoc.json()).toMatchObject({ title: 'Gift cards', format: 'text', passageCount: 1 });
  });

  it('refuses what is not a document, too large, missing, empty or a private address, storing nothing', async () => {
    const before = await count();
    const refused = async (url: string, status: number, code: string) => {
      const res = await post({ url });
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json<{ error: { code: string } }>().error.code).toBe(code);
      return res.json<{ error: { message: string } }>().error.message;
    };
    expect(await refused(`${site.url}/logo.png`, 415, 'KNOWLEDGE_BAD_INPUT')).toContain('image/png');
    await refused(`${site.url}/big`, 413, 'KNOWLEDGE_TOO_LARGE');
    expect(await refused(`${site.url}/missing`, 400, 'KNOWLEDGE_BAD_INPUT')).toBe('The page answered HTTP 404');
    await refused(`${site.url}/empty`, 400, 'KNOWLEDGE_BAD_INPUT');
    await refused('http://10.1.2.3/prices', 400, 'OUTBOUND_BLOCKED');
    await refused('file:///etc/passwd', 400, 'OUTBOUND_BLOCKED');
    expect(await count()).toBe(before);
  });
});
