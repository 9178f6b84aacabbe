import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLlmHarness, type LlmHarness } from './helpers.js';

describe('/v1 bad input answers in the OpenAI error envelope', () => {
  let h: LlmHarness;
  beforeAll(async () => {
    h = await startLlmHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${h.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.apiKey}`, 'content-type': 'application/json', ...headers },
      body,
    });

  async function expectError(res: Response, status: number, code?: string) {
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: Record<string, unknown> };
    expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(body.error.type).toBe(status === 401 ? 'authentication_error' : 'invalid_request_error');
    if (code) expect(body.error.code).toBe(code);
    return body.error;
  }

  const cases: Array<[string, string, string | undefined]> = [
    ['bad JSON', '{"model": "fake-model", "messages": [', 'invalid_json'],
    ['missing messages', JSON.stringify({ model: 'fake-model' }), 'invalid_value'],
    ['empty messages', JSON.stringify({ model: 'fake-model', messages: [] }), 'invalid_value'],
    ['messages of the wrong type', JSON.stringify({ model: 'fake-model', messages: 'hi' }), 'invalid_value'],
    [
      'temperature as a string',
      JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: 'x' }], temperature: '0.5' }),
      'invalid_value',
    ],
    [
      'an unknown role',
      JSON.stringify({ model: 'fake-model', messages: [{ role: 'robot', content: 'x' }] }),
      'invalid_value',
    ],
    [
      'an unknown field',
      JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: 'x' }], foo: 1 }),
      'invalid_value',
    ],
    [
      'n > 1',
      JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: 'x' }], n: 2 }),
      'invalid_value',
    ],
    [
      'a user message without content',
      JSON.stringify({ model: 'fake-model', messages: [{ role: 'user' }] }),
      'invalid_value',
    ],
    [
      'a tool message without tool_call_id',
      JSON.stringify({ model: 'fake-model', messages: [{ role: 'tool', content: 'x' }] }),
      'invalid_value',
    ],
    ['an empty body', '', 'invalid_json'],
  ];
  for (const [name, body, code] of cases) {
    it(`refuses ${name} with 400`, async () => {
      await expectError(await post(body), 400, code);
    });
  }

  it('names the offending field in param for an unknown field', async () => {
    const error = await expectError(
      await post(JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: 'x' }], foo: 1 })),
      400,
    );
    expect(error.param).toBe('foo');
    expect(error.message).toMatch(/unknown field "foo"/);
  });

  it('refuses a huge body with 413 in the same envelope, never a 500', async () => {
    const huge = JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: 'x'.repeat(2_000_000) }] });
    const res = await post(huge);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('request_too_large');
  });

  it('answers 401 for a bad key, through the official client', async () => {
    const client = new OpenAI({ baseURL: h.baseURL, apiKey: 'sk-sec-nope_nope', maxRetries: 0 });
    const error = await client.chat.completions
      .create({ model: 'fake-model', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('invalid_api_key');
  });

  it('answers 404 model_not_found for an unknown model', async () => {
    const error = await h.client.chat.completions
      .create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('model_not_found');
  });

  it('sent nothing upstream for any of the refused requests', () => {
    expect(h.primary.requests).toHaveLength(0);
  });
});
