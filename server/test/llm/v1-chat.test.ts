import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeLlm, type FakeLlm } from '../../src/testing/fake-llm.js';
import { startLlmHarness, type LlmHarness } from './helpers.js';

/** Reads a stream to its end or its error: the text received before it, and the error (null if none). */
async function readUntilFailure(stream: AsyncIterable<OpenAI.Chat.ChatCompletionChunk>) {
  let text = '';
  try {
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    return { text, failure: null };
  } catch (failure) {
    return { text, failure };
  }
}

describe('/v1/chat/completions with the official openai client', () => {
  let h: LlmHarness;
  const extra: FakeLlm[] = [];
  beforeEach(async () => {
    h = await startLlmHarness();
  });
  afterEach(async () => {
    await h.close();
    for (const fake of extra.splice(0)) await fake.close();
  });

  it('answers without streaming, with real usage and the upstream model', async () => {
    const completion = await h.client.chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'user', content: 'Hi there' }],
      temperature: 0.2,
      max_tokens: 50,
      seed: 7,
      stop: ['\n\n'],
      top_p: 0.9,
      response_format: { type: 'json_object' },
      user: 'caller-42',
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('fake-model');
    expect(completion.choices[0]!.message.content).toBe('Hello from the fake model.');
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(completion.usage).toEqual({ prompt_tokens: 2, completion_tokens: 6, total_tokens: 8 });
    const upstream = h.primary.requests.at(-1)!.body;
    expect(upstream).toMatchObject({
      model: 'fake-model',
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 50,
      seed: 7,
      stop: ['\n\n'],
      response_format: { type: 'json_object' },
      user: 'caller-42',
      stream: true,
      stream_options: { include_usage: true },
    });
    await h.client.chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'user', content: 'x' }],
      max_completion_tokens: 12,
    });
    expect(h.primary.requests.at(-1)!.body.max_tokens).toBe(12);
  });

  it('streams chat.completion.chunk events, then a usage chunk, then [DONE]', async () => {
    const stream = await h.client.chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello in parts' }] }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('Hello from the fake model.');
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual({ prompt_tokens: 3, completion_tokens: 6, total_tokens: 9 });
  });

  it('passes each token on as it arrives, while the upstream is still generating', async () => {
    h.primary.tokenDelayMs = 150;
    const stream = await h.client.chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    const upstreamDoneAtEachToken: boolean[] = [];
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) upstreamDoneAtEachToken.push(h.primary.requests.at(-1)!.completed);
    }
    expect(upstreamDoneAtEachToken).toHaveLength(6);
    expect(upstreamDoneAtEachToken.slice(0, 5)).toEqual([false, false, false, false, false]);
  });

  it('sends [DONE] and no usage chunk when include_usage is not asked for', async () => {
    const res = await fetch(`${h.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: 'x' }], stream: true }),
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('x-llm-provider')).toBe('local-vllm');
    const body = await res.text();
    const events = body.split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    expect(body).not.toContain('"usage":{');
  });

  it('passes tools through and returns tool calls; the tool result round-trips', async () => {
    const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
      {
        type: 'function',
        function: {
          name: 'take_message',
          description: 'Take a message for staff',
          parameters: { type: 'object', properties: { caller: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    ];
    const first = await h.client.chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'user', content: 'Tell Bob to call Ann back' }],
      tools,
      tool_choice: 'auto',
    });
    const call = first.choices[0]!.message.tool_calls![0]!;
    expect(first.choices[0]!.finish_reason).toBe('tool_calls');
    expect(call).toMatchObject({ id: 'call_fake_1', type: 'function', function: { name: 'take_message' } });
    if (call.type !== 'function') throw new Error('expected a function call');
    expect(JSON.parse(call.function.arguments)).toEqual({ caller: 'Ann', message: 'call back' });
    expect(h.primary.requests.at(-1)!.body).toMatchObject({ tools, tool_choice: 'auto' });

    const second = await h.client.chat.completions.create({
      model: 'fake-model',
      tools,
      messages: [
        { role: 'user', content: 'Tell Bob to call Ann back' },
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: call.id, content: 'saved' },
      ],
    });
    expect(second.choices[0]!.message.content).toBe('Hello from the fake model.');
    expect(h.primary.requests.at(-1)!.body.messages).toHaveLength(3);
  });

  it('streams tool call fragments that the client reassembles', async () => {
    const stream = await h.client.chat.completions.create({
      model: 'fake-model',
      stream: true,
      messages: [{ role: 'user', content: 'take a message' }],
      tools: [{ type: 'function', function: { name: 'take_message', parameters: { type: 'object' } } }],
    });
    let args = '';
    for await (const chunk of stream) args += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '';
    expect(JSON.parse(args)).toEqual({ caller: 'Ann', message: 'call back' });
  });

  it('aborts the upstream request when the client disconnects mid-stream', async () => {
    h.primary.tokens = Array.from({ length: 200 }, (_, i) => ` t${i}`);
    h.primary.tokenDelayMs = 20;
    const controller = new AbortController();
    const stream = await h.client.chat.completions.create(
      { model: 'fake-model', messages: [{ role: 'user', content: 'long story' }], stream: true },
      { signal: controller.signal },
    );
    let received = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) received += 1;
      if (received === 3) controller.abort();
    }
    expect(received).toBe(3);
    const upstream = h.primary.requests.at(-1)!;
    await vi.waitFor(() => expect(upstream.aborted).toBe(true), { timeout: 15_000 });
    expect(upstream.completed).toBe(false);
  });

  it('aborts the upstream request when a non-streaming client gives up', async () => {
    await h.primary.setMode('hang');
    const controller = new AbortController();
    const pending = h.client.chat.completions.create(
      { model: 'fake-model', messages: [{ role: 'user', content: 'wait' }] },
      { signal: controller.signal },
    );
    await vi.waitFor(() => expect(h.primary.requests).toHaveLength(1));
    controller.abort();
    await expect(pending).rejects.toThrow();
    await vi.waitFor(() => expect(h.primary.requests[0]!.aborted).toBe(true), { timeout: 15_000 });
  });

  it('lists personas, auto and provider models in GET /v1/models', async () => {
    const models = await h.client.models.list();
    const ids = models.data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['secretary', 'secretary-ru', 'auto', 'fake-model']));
  });

  it('ends a stream cut midway with an error event, after the tokens already sent', async () => {
    await h.primary.setMode('cut');
    const stream = await h.client.chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    const { text, failure } = await readUntilFailure(stream);
    expect(text).toBe('Hello from');
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).message).toMatch(/stopped in the middle/);
  });

  it('ends the stream cleanly when the provider sends an error object mid-stream', async () => {
    await h.primary.setMode('error-event');
    const stream = await h.client.chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    const { text, failure } = await readUntilFailure(stream);
    expect(text).toBe('Hello from');
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).message).toMatch(/stopped in the middle/);
  });

  it('reuses one upstream keep-alive connection for consecutive streamed answers', async () => {
    const before = h.primary.connections;
    for (let i = 0; i < 5; i++) {
      const stream = await h.client.chat.completions.create({
        model: 'fake-model',
        messages: [{ role: 'user', content: `turn ${i}` }],
        stream: true,
      });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      expect(text).toBe('Hello from the fake model.');
    }
    expect(h.primary.requests.filter((r) => r.completed)).toHaveLength(5);
    expect(h.primary.connections - before).toBeLessThanOrEqual(1);
  });

  it('does not fail over mid-stream even when another provider is healthy', async () => {
    const backup = await createFakeLlm();
    extra.push(backup);
    await h.addProvider('backup', backup);
    await h.primary.setMode('cut');
    const stream = await h.client.chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    await expect(
      (async () => {
        for await (const _ of stream) {
          /* drain */
        }
      })(),
    ).rejects.toThrow();
    expect(backup.requests).toHaveLength(0);
  });
});
