import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeLlm, type FakeLlm } from '../../src/testing/fake-llm.js';
import { startLlmHarness, type LlmHarness } from './helpers.js';

const ask = (h: LlmHarness, stream = false) =>
  h.client.chat.completions
    .create({ model: 'fake-model', messages: [{ role: 'user', content: 'hi' }], stream })
    .withResponse();

describe('router failover, cooldown and limits on concurrency', () => {
  let h: LlmHarness;
  let backup: FakeLlm;
  let now: number;
  beforeEach(async () => {
    now = Date.now();
    h = await startLlmHarness({ clock: () => now, env: { LLM_BREAKER_COOLDOWN_MS: '60000' } });
    backup = await createFakeLlm();
    await h.addProvider('backup', backup);
  });
  afterEach(async () => {
    await h.close();
    await backup.close();
  });

  for (const mode of ['error500', 'error429', 'refuse'] as const) {
    it(`fails over to the next provider on ${mode}`, async () => {
      await h.primary.setMode(mode);
      const { data, response } = await ask(h);
      expect(response.headers.get('x-llm-provider')).toBe('backup');
      expect((data as OpenAI.ChatCompletion).choices[0]!.message.content).toBe('Hello from the fake model.');
      expect(backup.requests).toHaveLength(1);
    });
  }

  it('fails over when the primary hangs past its timeout', async () => {
    const [primary] = (await h.api('GET', '/api/llm/providers')).items;
    await h.api('PATCH', `/api/llm/providers/${primary.id}`, { timeoutMs: 300 });
    await h.primary.setMode('hang');
    const { response } = await ask(h, true);
    expect(response.headers.get('x-llm-provider')).toBe('backup');
    expect(h.primary.requests).toHaveLength(1);
  });

  it('skips a failed provider while it cools down, then probes it once (half-open)', async () => {
    await h.primary.setMode('error500');
    await ask(h);
    expect(h.primary.requests).toHaveLength(1);
    await h.primary.setMode('ok');
    for (let i = 0; i < 3; i++) expect((await ask(h)).response.headers.get('x-llm-provider')).toBe('backup');
    expect(h.primary.requests).toHaveLength(1);
    const providers = (await h.api('GET', '/api/llm/providers')).items;
    expect(providers[0]).toMatchObject({ name: 'local-vllm', health: 'open' });

    now += 61_000;
    expect((await ask(h)).response.headers.get('x-llm-provider')).toBe('local-vllm');
    expect(h.primary.requests).toHaveLength(2);
    expect((await h.api('GET', '/api/llm/providers')).items[0].health).toBe('closed');
  });

  it('reopens the breaker when the half-open probe fails', async () => {
    await h.primary.setMode('error429');
    await ask(h);
    now += 61_000;
    await ask(h);
    expect(h.primary.requests).toHaveLength(2);
    await ask(h);
    expect(h.primary.requests).toHaveLength(2);
  });

  it('answers 503 in the OpenAI envelope when every provider is down', async () => {
    await h.primary.setMode('error500');
    await backup.setMode('refuse');
    const error = await ask(h).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(503);
    expect(apiError.error).toMatchObject({ type: 'api_error', code: 'service_unavailable', param: null });
  });

  it('does not fail over when the provider rejects the request itself (400)', async () => {
    await h.primary.setMode('error400');
    const error = (await ask(h).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/maximum context length/);
    expect(backup.requests).toHaveLength(0);
  });

  it('follows the admin order of providers', async () => {
    const [primary, second] = (await h.api('GET', '/api/llm/providers')).items;
    const reordered = await h.api('POST', '/api/llm/providers/order', { ids: [second.id, primary.id] });
    expect(reordered.items.map((p: { name: string }) => p.name)).toEqual(['backup', 'local-vllm']);
    expect((await ask(h)).response.headers.get('x-llm-provider')).toBe('backup');
    expect(h.primary.requests).toHaveLength(0);
  });

  it('sends overflow to the next provider when one is at max concurrency', async () => {
    const [primary] = (await h.api('GET', '/api/llm/providers')).items;
    await h.api('PATCH', `/api/llm/providers/${primary.id}`, { maxConcurrency: 1 });
    h.primary.tokenDelayMs = 50;
    const [a, b] = await Promise.all([ask(h), ask(h)]);
    const answered = [a, b].map((r) => r.response.headers.get('x-llm-provider')).sort();
    expect(answered).toEqual(['backup', 'local-vllm']);
  });

  it('records usage per provider and exposes Prometheus metrics', async () => {
    await h.primary.setMode('error500');
    await ask(h);
    const usage = await h.api('GET', '/api/usage?groupBy=provider');
    expect(usage.total.requests).toBe(1);
    expect(usage.groups).toEqual([
      expect.objectContaining({ key: 'backup', requests: 1, promptTokens: 1, completionTokens: 6 }),
    ]);
    const metrics = (await h.rt.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(
      /llm_requests_total\{route="fake-model",provider="backup",model="fake-model",channel="v1",outcome="ok"\} 1/,
    );
    expect(metrics).toMatch(/llm_provider_attempts_total\{provider="local-vllm",outcome="server_error"\} 1/);
    expect(metrics).toMatch(/llm_provider_breaker_state\{provider="local-vllm"\} 2/);
    expect(metrics).toContain('llm_time_to_first_token_seconds_count{provider="backup"} 1');
  });
});
