import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { DOCUMENTS, QUESTIONS, UNRELATED } from './fixtures.js';

interface Hit {
  heading: string;
  title: string;
  source: string;
  score: number;
}

describe('knowledge retrieval with the database full-text engine', () => {
  let rt: TestRuntime;
  let admin: string;
  const search = async (q: string) => {
    const res = await rt.app.inject({
      method: 'GET',
      url: `/api/knowledge/search?q=${encodeURIComponent(q)}`,
      headers: bearer(admin),
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ engine: string; hits: Hit[] }>();
  };

  beforeAll(async () => {
    rt = await createTestRuntime();
    admin = await rt.adminToken();
    for (const doc of DOCUMENTS) {
      const res = await rt.app.inject({
        method: 'POST',
        url: '/api/knowledge/documents',
        headers: bearer(admin),
        payload: doc,
      });
      expect(res.statusCode, res.body).toBe(201);
    }
  });
  afterAll(async () => {
    await rt.dispose();
  });

  it.each(QUESTIONS)('"$q" finds its passage at rank 1', async ({ q, heading }) => {
    const { hits } = await search(q);
    expect(hits[0]?.heading).toBe(heading);
    expect(hits[0]?.source).toBe('text');
  });

  it.each(UNRELATED)('"%s" retrieves nothing above the threshold', async (q) => {
    expect((await search(q)).hits).toEqual([]);
  });

  it('uses the engine of the database it runs on', async () => {
    const { engine } = await search('доставка');
    expect(engine).toBe(rt.config.databaseUrl ? 'postgres-tsvector' : 'sqlite-fts5');
  });
});
