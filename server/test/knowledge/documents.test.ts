import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { docx, form, pdf } from './files.js';

const LIMIT_BYTES = 4096;

interface DocumentView {
  id: string;
  title: string;
  source: string;
  format: string;
  version: number;
  contentHash: string;
  passageCount: number;
  enabled: boolean;
}

describe('/api/knowledge/documents', () => {
  let rt: TestRuntime;
  let admin: string;
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    rt.app.inject({ method, url, headers: bearer(admin), ...(payload ? { payload } : {}) });
  const upload = (name: string, file: Buffer, fields?: Record<string, string>) => {
    const body = form(name, file, fields);
    return rt.app.inject({
      method: 'POST',
      url: '/api/knowledge/documents/upload',
      headers: { ...bearer(admin), ...body.headers },
      payload: body.payload,
    });
  };
  const hitsFor = async (q: string) =>
    (await call('GET', `/api/knowledge/search?q=${encodeURIComponent(q)}`)).json<{
      hits: Array<{ title: string; text: string }>;
    }>().hits;
  const count = async () =>
    (await call('GET', '/api/knowledge/documents')).json<{ items: DocumentView[] }>().items.length;

  beforeAll(async () => {
    rt = await createTestRuntime({ env: { KNOWLEDGE_MAX_UPLOAD_BYTES: String(LIMIT_BYTES) } });
    admin = await rt.adminToken();
  });
  afterAll(async () => {
    await rt.dispose();
  });

  it('cuts a markdown document into passages along headings, each with its heading path and at most 800 characters', async () => {
    const long = Array.from({ length: 30 }, (_, i) => `Sentence number ${i} about the warranty terms.`).join(' ');
    const text = `# Terms\n\n## Warranty\n\n${long}\n\n## Payment\n\nWe take cards and cash.`;
    const res = await call('POST', '/api/knowledge/documents', { title: 'Terms', text, format: 'markdown' });
    expect(res.statusCode, res.body).toBe(201);
    const doc = res.json<DocumentView>();
    expect(doc).toMatchObject({ source: 'text', version: 1, enabled: true, format: 'markdown' });
    expect(doc.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const detail = (await call('GET', `/api/knowledge/documents/${doc.id}`)).json<{
      passages: Array<{ heading: string; text: string }>;
    }>();
    expect(detail.passages.length).toBe(doc.passageCount);
    expect(detail.passages.length).toBeGreaterThan(2);
    for (const p of detail.passages) expect(p.text.length).toBeLessThanOrEqual(800);
    expect(detail.passages.at(-1)).toEqual(
      expect.objectContaining({ heading: 'Terms › Payment', text: 'We take cards and cash.' }),
    );
    expect(detail.passages[0]?.heading).toBe('Terms › Warranty');
  });

  it('PATCH with new text re-indexes it as a new version; disabling hides it from search; DELETE removes it', async () => {
    const created = (
      await call('POST', '/api/knowledge/documents', {
        title: 'Parking',
        text: 'Parking is behind the shop.',
        format: 'text',
      })
    ).json<DocumentView>();
    expect((await hitsFor('where can I park')).map((h) => h.title)).toEqual(['Parking']);
    const patched = (
      await call('PATCH', `/api/knowledge/documents/${created.id}`, { text: 'Bicycles stand by the entrance.' })
    ).json<DocumentView>();
    expect(patched.version).toBe(2);
    expect(patched.contentHash).not.toBe(created.contentHash);
    expect(await hitsFor('where can I park')).toEqual([]);
    expect((await hitsFor('bicycle')).map((h) => h.title)).toEqual(['Parking']);
    const reindexed = await call('POST', `/api/knowledge/documents/${created.id}/reindex`);
    expect(reindexed.json<DocumentView>().version).toBe(2);
    await call('PATCH', `/api/knowledge/documents/${created.id}`, { enabled: false, title: 'Bikes' });
    expect(await hitsFor('bicycle')).toEqual([]);
    await call('PATCH', `/api/knowledge/documents/${created.id}`, { enabled: true });
    expect((await hitsFor('bicycle')).map((h) => h.title)).toEqual(['Bikes']);
    expect((await call('DELETE', `/api/knowledge/documents/${created.id}`)).statusCode).toBe(200);
    expect(await hitsFor('bicycle')).toEqual([]);
    expect((await call('GET', `/api/knowledge/documents/${created.id}`)).statusCode).toBe(404);
  });

  it('takes .md, .txt, .html, .pdf and .docx uploads and names the file as the source', async () => {
    const files: Array<[string, Buffer, string]> = [
      ['menu.md', Buffer.from('# Menu\n\nThe soup of the day is pumpkin.'), 'pumpkin soup'],
      ['notes.txt', Buffer.from('\uFEFFСклад открыт по четвергам.'), 'склад'],
      [
        'page.html',
        Buffer.from('<html><body><h2>Gift cards</h2><p>Gift cards &amp; vouchers never expire.</p></body></html>'),
        'voucher',
      ],
      ['flyer.pdf', pdf('Our catering service serves weddings.'), 'catering for a wedding'],
      [
        'policy.docx',
        docx([{ text: 'Loyalty', style: 'Heading1' }, { text: 'Every tenth coffee is free.' }]),
        'free coffee',
      ],
    ];
    for (const [name, file, question] of files) {
      const res = await upload(name, file);
      expect(res.statusCode, `${name}: ${res.body}`).toBe(201);
      expect(res.json<DocumentView>().source).toBe(name);
      const hits = await hitsFor(question);
      expect(hits[0]?.title, name).toBe(name.replace(/\.[^.]+$/, ''));
    }
  });

  it.each([
    ['an empty file', 'empty.txt', Buffer.alloc(0), 400, /empty/],
    ['an oversized file', 'big.txt', Buffer.alloc(LIMIT_BYTES + 1, 'a'), 413, /larger than the 4096-byte limit/],
    ['a .pdf that is not a PDF', 'fake.pdf', Buffer.from('just some text'), 400, /not a PDF/],
    ['a DOCX with no text', 'blank.docx', docx([]), 400, /no text/],
    ['an unknown extension', 'tool.exe', Buffer.from('MZ'), 415, /"\.exe" are not taken/],
    ['a broken DOCX', 'broken.docx', Buffer.from('PK\u0003\u0004garbage'), 400, /could not be read/],
  ])('refuses %s with a clear 4xx and stores nothing', async (_what, name, file, status, message) => {
    const before = await count();
    const res = await upload(name, file);
    expect(res.statusCode, res.body).toBe(status);
    const body = res.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toMatch(/^KNOWLEDGE_/);
    expect(body.error.message).toMatch(message);
    expect(await count()).toBe(before);
  });

  it('refuses a JSON document without text, or of an unknown format, in the admin envelope', async () => {
    for (const payload of [
      { title: 'x', text: '', format: 'text' },
      { title: 'x', text: 'hello', format: 'rtf' },
      { title: 'x', text: '\n\n   \n', format: 'markdown' },
    ]) {
      const res = await call('POST', '/api/knowledge/documents', payload);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json<{ error: { code: string } }>().error.code).toBeTruthy();
    }
  });

  it('is for admins only and audits writes', async () => {
    const user = await rt.createUser('user');
    const res = await rt.app.inject({ method: 'GET', url: '/api/knowledge/documents', headers: bearer(user.token) });
    expect(res.statusCode).toBe(403);
    const audit = (await call('GET', '/api/audit')).json<{ items: Array<{ action: string }> }>();
    expect(audit.items.map((e) => e.action)).toContain('knowledge.create');
  });
});
