import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeLlm, type FakeLlm } from '../../src/testing/fake-llm.js';
import { startLlmHarness, type LlmHarness } from './helpers.js';

const messages = [{ role: 'user' as const, content: 'hi' }];

/** Resolves once the fake saw its caller go away; the timeout only guards against a hung test. */
async function cancelled(fake: FakeLlm): Promise<boolean> {
  for (let i = 0; i < 200 && !fake.requests[0]?.aborted; i++) await new Promise((r) => setTimeout(r, 10));
  return fake.requests[0]?.aborted === true;
}

const metrics = async (h: LlmHarness) => (await h.rt.app.inject({ method: 'GET', url: '/metrics' })).body;

// The providers' own timeout is 10 minutes: only the first-token deadline can end these attempts in time.
const env = { LLM_FIRST_TOKEN_TIMEOUT_MS: '300', LLM_TIMEOUT_MS: '600000' };
describe('first-token deadline on /v1 (LLM_FIRST_TOKEN_TIMEOUT_MS)', () => {
  let h: LlmHarness;
  let backup: FakeLlm | null = null;
  afterEach(async () => {
    await h.close();
    await backup?.close();
    backup = null;
  });

  for (const stream of [false, true]) {
    it(`a hanging primary is cancelled and the secondary answers (stream: ${stream})`, async () => {
      h = await startLlmHarness({ env });
      backup = await createFakeLlm();
      await h.addProvider('backup', backup);
      await h.primary.setMode('hang');
      const { data, response } = await h.client.chat.completions
        .create({ model: 'fake-model', messages, stream })
        .withResponse();
      expect(response.headers.get('x-llm-provider')).toBe('backup');
      if (stream) {
        let text = '';
        for await (const chunk of data as AsyncIterable<OpenAI.ChatCompletionChunk>)
          text += chunk.choices[0]?.delta.content ?? '';
        expect(text).toBe('Hello from the fake model.');
      } else {
        expect((data as OpenAI.ChatCompletion).choices[0]!.message.content).toBe('Hello from the fake model.');
      }
      expect(h.primary.requests).toHaveLength(1);
      expect(await cancelled(h.primary)).toBe(true);
      expect(await metrics(h)).toMatch(/llm_provider_attempts_total\{provider="local-vllm",outcome="timeout"\} 1/);
    });
  }

  it('a hanging only provider: 503 in the OpenAI shape, the upstream request cancelled', async () => {
    h = await startLlmHarness({ env });
    await h.primary.setMode('hang');
    const error = await h.client.chat.completions.create({ model: 'fake-model', messages }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(503);
    expect(apiError.error).toMatchObject({ type: 'api_error', code: 'service_unavailable', param: null });
    expect(await cancelled(h.primary)).toBe(true);
  });

  it('a hanging only provider, streamed: the error comes before any byte of the stream', async () => {
    h = await startLlmHarness({ env });
    await h.primary.setMode('hang');
    const res = await fetch(`${h.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake-model', messages, stream: true }),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toMatchObject({
      error: { type: 'api_error', code: 'service_unavailable', param: null },
    });
    expect(await cancelled(h.primary)).toBe(true);
  });
});
