import OpenAI from 'openai';
import type { Clock } from '../../src/core/clock.js';
import { createFakeLlm, type FakeLlm, type FakeLlmOptions } from '../../src/testing/fake-llm.js';
import { bearer, createTestRuntime, type TestRuntime } from '../helpers/runtime.js';

export interface LlmHarness {
  rt: TestRuntime;
  primary: FakeLlm;
  admin: string;
  apiKey: string;
  baseURL: string;
  client: OpenAI;
  /** Admin API call through inject; throws on an unexpected status. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test bodies are checked by expectations
  api<T = any>(
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
    status?: number,
  ): Promise<T>;
  addProvider(name: string, fake: FakeLlm, extra?: Record<string, unknown>): Promise<{ id: string }>;
  close(): Promise<void>;
}

/**
 * A running server (real `listen({ port: 0 })`) whose first-run provider is a fake upstream, an
 * API key made through the admin API, and the official `openai` client pointed at /v1.
 */
export async function startLlmHarness(
  options: { env?: Record<string, string>; clock?: Clock; fake?: FakeLlmOptions } = {},
): Promise<LlmHarness> {
  const primary = await createFakeLlm(options.fake);
  const rt = await createTestRuntime({
    env: { LLM_BASE_URL: primary.url, LLM_MODEL: 'fake-model', LLM_BREAKER_FAILURES: '1', ...options.env },
    clock: options.clock,
  });
  const address = await rt.app.listen({ port: 0, host: '127.0.0.1' });
  const admin = await rt.adminToken();
  const api: LlmHarness['api'] = async (method, url, payload, status) => {
    const res = await rt.app.inject({
      method,
      url,
      headers: bearer(admin),
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    const expected = status ?? (method === 'POST' && !url.endsWith('/test') && !url.endsWith('/order') ? 201 : 200);
    if (res.statusCode !== expected) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  const { key } = await api<{ key: string }>('POST', '/api/api-keys', { name: 'tests' });
  const baseURL = `${address}/v1`;
  return {
    rt,
    primary,
    admin,
    apiKey: key,
    baseURL,
    client: new OpenAI({ baseURL, apiKey: key, maxRetries: 0 }),
    api,
    addProvider: (name, fake, extra = {}) =>
      api('POST', '/api/llm/providers', { name, type: 'custom', baseUrl: fake.url, models: ['fake-model'], ...extra }),
    async close() {
      // Keep-alive sockets of the test's clients would hold app.close() until they time out.
      rt.app.server.closeAllConnections();
      await rt.dispose();
      await primary.close();
    },
  };
}
