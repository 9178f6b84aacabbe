import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLocalUrl } from '../../src/core/net/outbound-policy.js';
import { createFakeLlm, type FakeLlm } from '../../src/testing/fake-llm.js';
import { startLlmHarness, type LlmHarness } from './helpers.js';

// Issue 18, item 5: a persona marked local only is never sent to a cloud provider; with no local provider up the
// router answers 503 (the voice engine's degraded mode) instead, and says which providers it skipped.
describe('local-only personas and provider locality', () => {
  let h: LlmHarness;
  let cloud: FakeLlm;
  beforeAll(async () => {
    h = await startLlmHarness();
    cloud = await createFakeLlm();
    // The fake listens on 127.0.0.1; the admin says it stands for a cloud service.
    await h.addProvider('cloud', cloud, { local: false });
    await h.api('POST', '/api/llm/personas', {
      slug: 'private-desk',
      name: 'Private',
      systemPrompt: 'Be brief.',
      localOnly: true,
    });
    await h.api('POST', '/api/llm/personas', { slug: 'open-desk', name: 'Open', systemPrompt: 'Be brief.' });
  });
  afterAll(async () => {
    await h.close();
    await cloud.close();
  });

  const ask = (model: string) =>
    h.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] }).withResponse();

  it('judges locality from the URL unless the admin says, and shows it', async () => {
    const { items } = await h.api<{ items: Array<{ name: string; local: boolean }> }>('GET', '/api/llm/providers');
    expect(items.map((p) => [p.name, p.local])).toEqual([
      ['local-vllm', true],
      ['cloud', false],
    ]);
    const personas = await h.api<{ items: Array<{ slug: string; localOnly: boolean }> }>('GET', '/api/llm/personas');
    expect(personas.items.find((p) => p.slug === 'private-desk')?.localOnly).toBe(true);
    expect(personas.items.find((p) => p.slug === 'open-desk')?.localOnly).toBe(false);
    for (const url of [
      'http://127.0.0.1:8000/v1',
      'http://vllm:8000/v1',
      'http://[::1]:8000',
      'http://10.1.2.3',
      'http://gpu.lan',
    ])
      expect(isLocalUrl(url), url).toBe(true);
    for (const url of ['https://api.openai.com/v1', 'https://8.8.8.8', 'not a url'])
      expect(isLocalUrl(url), url).toBe(false);
    const bad = await h.rt.app.inject({
      method: 'PATCH',
      url: `/api/llm/providers/${(items[1] as unknown as { id: string }).id}`,
      headers: { authorization: `Bearer ${h.admin}` },
      payload: { local: 'yes' },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('with the local provider up, both personas are answered locally', async () => {
    for (const model of ['private-desk', 'open-desk']) {
      const { response } = await ask(model);
      expect(response.headers.get('x-llm-provider')).toBe('local-vllm');
    }
    expect(cloud.requests).toHaveLength(0);
  });

  it('with the local provider down, the open persona falls back to the cloud and the local-only one does not', async () => {
    await h.primary.setMode('error500');
    const open = await ask('open-desk');
    expect(open.response.headers.get('x-llm-provider')).toBe('cloud');
    expect(cloud.requests).toHaveLength(1);

    const error = await ask('private-desk').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toMatch(/No language model provider/);

    // With no local provider enabled at all, the answer says why.
    const [local] = (await h.api<{ items: Array<{ id: string }> }>('GET', '/api/llm/providers')).items;
    await h.api('PATCH', `/api/llm/providers/${local!.id}`, { enabled: false });
    const res = await h.rt.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: { authorization: `Bearer ${h.apiKey}` },
      payload: { model: 'private-desk', messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: { message: expect.stringMatching(/private-desk is local only/) } });
    expect(cloud.requests).toHaveLength(1); // never asked for the local-only persona
  });
});
