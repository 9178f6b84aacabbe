import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collect } from '../../src/core/llm/router.js';
import { createFakeLlm, type FakeLlm } from '../../src/testing/fake-llm.js';
import { startLlmHarness, type LlmHarness } from './helpers.js';

type Body = { messages: Array<{ role: string; content: string }>; temperature?: number; max_tokens?: number };

describe('personas, FAQ, memory and daily limits', () => {
  let h: LlmHarness;
  const fakes: FakeLlm[] = [];
  beforeEach(async () => {
    h = await startLlmHarness({ env: { LLM_MEMORY_TOKEN_BUDGET: '120' } });
  });
  afterEach(async () => {
    await h.close();
    for (const fake of fakes.splice(0)) await fake.close();
  });
  const lastUpstream = () => h.primary.requests.at(-1)!.body as unknown as Body;

  it('seeds English and Russian secretary personas and renders their variables', async () => {
    const personas = (await h.api('GET', '/api/llm/personas')).items;
    expect(personas.map((p: { slug: string }) => p.slug)).toEqual(['secretary', 'secretary-ru']);
    const ru = personas[1];
    await h.api('PATCH', `/api/llm/personas/${ru.id}`, { businessName: 'ООО Ромашка' });
    await h.client.chat.completions.create({
      model: 'secretary-ru',
      messages: [{ role: 'user', content: 'Добрый день' }],
    });
    const system = lastUpstream().messages[0]!;
    expect(system.role).toBe('system');
    expect(system.content).toContain('ООО Ромашка');
    expect(system.content).toContain('Europe/Moscow');
    expect(system.content).not.toMatch(/\{(date|time|weekday|business_name|timezone)\}/);
    expect(lastUpstream()).toMatchObject({ temperature: 0.3, max_tokens: 512 });
  });

  it('lets request sampling override persona defaults, and routes a persona to a named provider', async () => {
    const backup = await createFakeLlm({ models: ['tiny'] });
    fakes.push(backup);
    await h.addProvider('backup', backup, { models: ['tiny'] });
    await h.api('POST', '/api/llm/personas', {
      slug: 'support',
      name: 'Support',
      systemPrompt: 'You help customers of {business_name} on {weekday}.',
      businessName: 'Acme',
      route: 'backup/tiny',
      temperature: 0.9,
    });
    const completion = await h.client.chat.completions.create({
      model: 'support',
      temperature: 0.1,
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(completion.model).toBe('tiny');
    const body = backup.requests.at(-1)!.body as unknown as Body;
    expect(body.temperature).toBe(0.1);
    expect(body.messages[0]!.content).toMatch(/^You help customers of Acme on \w+day\.$/);
    expect(h.primary.requests).toHaveLength(0);
  });

  it('answers FAQ questions instantly in the chat shapes, counts hits, and leaves near-misses to the LLM', async () => {
    const entry = await h.api('POST', '/api/llm/faq', {
      questions: ['What are your opening hours?', 'Часы работы'],
      answer: 'We are open 9 to 18, Monday to Friday.',
    });
    const completion = await h.client.chat.completions.create({
      model: 'secretary',
      messages: [{ role: 'user', content: 'your OPENING hours, please?' }],
    });
    expect(completion.choices[0]!.message.content).toBe('We are open 9 to 18, Monday to Friday.');
    expect(completion).toMatchObject({ object: 'chat.completion', model: 'secretary' });
    expect(completion.usage).toEqual({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });

    const stream = await h.client.chat.completions.create({
      model: 'secretary-ru',
      messages: [{ role: 'user', content: 'Подскажите часы работы' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe('We are open 9 to 18, Monday to Friday.');
    expect(usage).toEqual({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
    expect(h.primary.requests).toHaveLength(0);

    await h.client.chat.completions.create({
      model: 'secretary',
      messages: [{ role: 'user', content: 'What are your closing hours?' }],
    });
    expect(h.primary.requests).toHaveLength(1);

    const [stored] = (await h.api('GET', '/api/llm/faq')).items;
    expect(stored).toMatchObject({ id: entry.id, hits: 2 });
    const probe = await h.api('POST', '/api/llm/faq/test', { text: 'часы работы?' });
    expect(probe).toMatchObject({ matched: true, id: entry.id, answer: entry.answer });
    expect((await h.api('POST', '/api/llm/faq/test', { text: 'Где склад?' })).matched).toBe(false);
    const usage2 = await h.api('GET', '/api/usage?groupBy=provider');
    expect(usage2.groups).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'faq' })]));
  });

  it('remembers a conversation per session key within a token budget', async () => {
    const router = h.rt.llm.router;
    const sessionKey = 'telegram:bot1:42';
    await collect(
      await router.chat({
        route: 'secretary',
        channel: 'telegram',
        sessionKey,
        messages: [{ role: 'user', content: 'My name is Ann' }],
      }),
    );
    await collect(
      await router.chat({
        route: 'secretary',
        channel: 'telegram',
        sessionKey,
        messages: [{ role: 'user', content: 'What is my name?' }],
      }),
    );
    const sent = lastUpstream().messages.map((m) => [m.role, m.content]);
    expect(sent.slice(1)).toEqual([
      ['user', 'My name is Ann'],
      ['assistant', 'Hello from the fake model.'],
      ['user', 'What is my name?'],
    ]);
    for (let i = 0; i < 20; i++) {
      await collect(
        await router.chat({
          route: 'secretary',
          channel: 'telegram',
          sessionKey,
          messages: [{ role: 'user', content: `message number ${i} with some words` }],
        }),
      );
    }
    const stored = await h.rt.llm.memory.load(sessionKey);
    expect(stored.length).toBeGreaterThan(1);
    expect(stored.length).toBeLessThan(20);
    expect(stored[0]!.role).toBe('user');
    expect(stored.at(-1)).toEqual({ role: 'assistant', content: 'Hello from the fake model.' });
    expect(await h.rt.llm.memory.load('telegram:bot1:other')).toEqual([]);
  });

  it('refuses with 429 once a daily request limit of a route is used up', async () => {
    await h.api('POST', '/api/llm/limits', {
      scope: 'route',
      subject: 'fake-model',
      metric: 'requests',
      dailyMax: 2,
      action: 'refuse',
    });
    const ask = () =>
      h.client.chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: 'x' }] });
    await ask();
    await ask();
    const error = (await ask().catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.code).toBe('insufficient_quota');
    expect(error.message).toMatch(/daily requests limit \(2\)/);
    expect(h.primary.requests).toHaveLength(2);
    const [limit] = (await h.api('GET', '/api/llm/limits')).items;
    expect(limit.used).toBe(2);
  });

  it('enforces a per-API-key token limit', async () => {
    const keys = (await h.api('GET', '/api/api-keys')).items;
    await h.api('POST', '/api/llm/limits', {
      scope: 'api_key',
      subject: keys[0].id,
      metric: 'tokens',
      dailyMax: 5,
      action: 'refuse',
    });
    await h.client.chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: 'x' }] });
    const error = (await h.client.chat.completions
      .create({ model: 'fake-model', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(error.status).toBe(429);
    expect(error.message).toMatch(/API key/);
  });

  it('switches to the next cheaper model when a downgrade limit is reached', async () => {
    const cheap = await createFakeLlm({ models: ['small-model'] });
    const cheapest = await createFakeLlm({ models: ['nano-model'] });
    fakes.push(cheap, cheapest);
    const [primary] = (await h.api('GET', '/api/llm/providers')).items;
    await h.api('PATCH', `/api/llm/providers/${primary.id}`, { models: ['big-model'] });
    await h.addProvider('cheap', cheap, { models: ['small-model'] });
    await h.addProvider('cheapest', cheapest, { models: ['nano-model'] });
    await h.api('PUT', '/api/llm/prices/big-model', { inputPerMillionUsd: 10, outputPerMillionUsd: 30 }, 200);
    await h.api('PUT', '/api/llm/prices/small-model', { inputPerMillionUsd: 1, outputPerMillionUsd: 3 }, 200);
    await h.api('PUT', '/api/llm/prices/nano-model', { inputPerMillionUsd: 0.1, outputPerMillionUsd: 0.3 }, 200);
    await h.api('POST', '/api/llm/limits', {
      scope: 'route',
      subject: 'big-model',
      metric: 'cost_usd',
      dailyMax: 0.00001,
      action: 'downgrade',
    });
    const ask = () =>
      h.client.chat.completions.create({ model: 'big-model', messages: [{ role: 'user', content: 'hello there' }] });
    expect((await ask()).model).toBe('big-model');
    expect((await ask()).model).toBe('small-model');
    await cheap.setMode('error500');
    expect((await ask()).model).toBe('nano-model');
    const usage = await h.api('GET', '/api/usage?groupBy=model');
    const big = usage.groups.find((g: { key: string }) => g.key === 'big-model');
    expect(big.costUsd).toBeCloseTo((2 * 10 + 6 * 30) / 1e6, 10);
    const series = await h.api('GET', '/api/usage/series?bucket=day');
    expect(series.points).toHaveLength(1);
    expect(series.points[0].requests).toBe(3);
  });
});
