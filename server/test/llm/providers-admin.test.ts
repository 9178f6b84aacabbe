import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LlmProviderEntity } from '../../src/db/entities/llm.entity.js';
import { bearer } from '../helpers/runtime.js';
import { startLlmHarness, type LlmHarness } from './helpers.js';

describe('/api/llm/providers', () => {
  let h: LlmHarness;
  beforeEach(async () => {
    h = await startLlmHarness({ env: { LLM_API_KEY: 'sk-bootstrap-secret-1234' } });
  });
  afterEach(async () => {
    await h.close();
  });

  it('bootstraps the primary provider from LLM_BASE_URL / LLM_API_KEY / LLM_MODEL on first run', async () => {
    const { items } = await h.api('GET', '/api/llm/providers');
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      name: 'local-vllm',
      type: 'vllm',
      baseUrl: h.primary.url,
      models: ['fake-model'],
      apiKeySet: true,
      apiKeyHint: 'sk-…1234',
      health: 'closed',
    });
  });

  it('encrypts API keys at rest and never returns them', async () => {
    const created = await h.api('POST', '/api/llm/providers', {
      name: 'openai',
      type: 'openai',
      apiKey: 'sk-live-very-secret-value-9876',
      models: ['gpt-4o-mini'],
    });
    expect(created).toMatchObject({ baseUrl: 'https://api.openai.com/v1', apiKeySet: true, apiKeyHint: 'sk-…9876' });
    const listed = JSON.stringify(await h.api('GET', '/api/llm/providers'));
    expect(listed).not.toContain('very-secret');
    const rows = await h.rt.db.getRepository(LlmProviderEntity).find();
    const sealed = rows.map((r) => r.apiKeySealed).join();
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain('very-secret');
    const audit = JSON.stringify(await h.api('GET', '/api/audit'));
    expect(audit).toContain('llm.providers.create');
  });

  it('tests the connection by listing the upstream models', async () => {
    const [primary] = (await h.api('GET', '/api/llm/providers')).items;
    expect(await h.api('POST', `/api/llm/providers/${primary.id}/test`)).toMatchObject({
      ok: true,
      models: ['fake-model'],
      error: null,
    });
    await h.primary.setMode('refuse');
    const failed = await h.api('POST', `/api/llm/providers/${primary.id}/test`);
    expect(failed.ok).toBe(false);
    expect(failed.error).toEqual(expect.any(String));
  });

  it('updates, disables and deletes providers; a disabled provider is not used', async () => {
    const [primary] = (await h.api('GET', '/api/llm/providers')).items;
    const updated = await h.api('PATCH', `/api/llm/providers/${primary.id}`, { enabled: false, apiKey: null });
    expect(updated).toMatchObject({ enabled: false, apiKeySet: false, apiKeyHint: null });
    const error = await h.client.chat.completions
      .create({ model: 'fake-model', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect((error as { status: number }).status).toBe(404);
    await h.api('DELETE', `/api/llm/providers/${primary.id}`);
    expect((await h.api('GET', '/api/llm/providers')).items).toEqual([]);
    await h.api('DELETE', `/api/llm/providers/${primary.id}`, undefined, 404);
  });

  it('refuses bad provider input with 400 and duplicates with 409', async () => {
    await h.api('POST', '/api/llm/providers', { name: 'x', type: 'custom', models: ['m'] }, 400);
    await h.api('POST', '/api/llm/providers', { name: 'x', type: 'nope', models: ['m'] }, 400);
    await h.api('POST', '/api/llm/providers', { name: 'x', type: 'openai', models: [] }, 400);
    await h.api('POST', '/api/llm/providers', { name: 'x', type: 'openai', models: ['m'], secret: 1 }, 400);
    await h.api('POST', '/api/llm/providers', { name: 'local-vllm', type: 'openai', models: ['m'] }, 409);
  });

  it('is for admins only', async () => {
    const user = await h.rt.createUser('user');
    for (const url of ['/api/llm/providers', '/api/llm/personas', '/api/llm/limits', '/api/llm/prices', '/api/usage']) {
      const res = await h.rt.app.inject({ method: 'GET', url, headers: bearer(user.token) });
      expect(res.statusCode, url).toBe(403);
    }
  });

  it('lets every signed-in role read the FAQ, and only admins change it', async () => {
    const guest = await h.rt.createUser('guest');
    const user = await h.rt.createUser('user');
    for (const token of [guest.token, user.token]) {
      const read = await h.rt.app.inject({ method: 'GET', url: '/api/llm/faq', headers: bearer(token) });
      expect(read.statusCode).toBe(200);
      const write = await h.rt.app.inject({
        method: 'POST',
        url: '/api/llm/faq',
        headers: bearer(token),
        payload: { questions: ['q?'], answer: 'a' },
      });
      expect(write.statusCode).toBe(403);
      const probe = await h.rt.app.inject({
        method: 'POST',
        url: '/api/llm/faq/test',
        headers: bearer(token),
        payload: { text: 'q?' },
      });
      expect(probe.statusCode).toBe(403);
    }
  });
});
