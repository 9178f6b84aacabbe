import { afterEach, describe, expect, it } from 'vitest';
import { startLlmHarness, type LlmHarness } from '../llm/helpers.js';
import { DOCUMENTS } from './fixtures.js';

type Message = { role: string; content: unknown; tool_calls?: Array<{ function: { name: string } }> };
const messagesOf = (h: LlmHarness) => h.primary.requests.map((r) => r.body.messages as Message[]);
const toolsOf = (h: LlmHarness, n: number) =>
  ((h.primary.requests[n]?.body.tools ?? []) as Array<{ function: { name: string } }>).map((t) => t.function.name);

async function withDocuments(env: Record<string, string> = {}) {
  const h = await startLlmHarness({ env });
  h.primary.autoToolCall = false;
  for (const doc of DOCUMENTS) await h.api('POST', '/api/knowledge/documents', doc);
  return h;
}

describe('the knowledge base in /v1 conversations', () => {
  let h: LlmHarness;
  afterEach(async () => {
    await h.close();
  });

  it('a persona route offers search_knowledge; the passage is fed back and the sources come with the answer', async () => {
    h = await withDocuments();
    h.primary.scriptToolCalls({ name: 'search_knowledge', arguments: JSON.stringify({ query: 'Is delivery free?' }) });
    const completion = await h.client.chat.completions.create({
      model: 'secretary',
      messages: [{ role: 'user', content: 'Do you charge for delivery?' }],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]?.message.content).toBeTruthy();
    expect(toolsOf(h, 0)).toEqual(['search_knowledge']);
    const fedBack = messagesOf(h)[1]?.at(-1);
    expect(fedBack?.role).toBe('tool');
    expect(String(fedBack?.content)).toContain('Delivery is free for orders over $40');
    const sources = (completion as unknown as { sources: Array<{ title: string; heading: string; source: string }> })
      .sources;
    expect(sources[0]).toMatchObject({
      title: 'Golden Crust Bakery',
      heading: 'Golden Crust Bakery › Delivery',
      source: 'text',
    });
  });

  it('a model that does not search answers as before, with no sources', async () => {
    h = await withDocuments();
    const completion = await h.client.chat.completions.create({
      model: 'secretary',
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(h.primary.requests).toHaveLength(1);
    expect((completion as unknown as { sources: unknown[] }).sources).toEqual([]);
  });

  it('KNOWLEDGE_MODE=context puts the best passages into the system message instead of a tool', async () => {
    h = await withDocuments({ KNOWLEDGE_MODE: 'context' });
    const completion = await h.client.chat.completions.create({
      model: 'secretary',
      messages: [{ role: 'user', content: 'Где находится ваша пекарня?' }],
    });
    expect(toolsOf(h, 0)).toEqual([]);
    const system = messagesOf(h)[0]?.find((m) => m.role === 'system');
    expect(String(system?.content)).toContain('улица Ленина, дом 15');
    const sources = (completion as unknown as { sources: Array<{ heading: string }> }).sources;
    expect(sources[0]?.heading).toBe('Пекарня «Колосок» › Адрес');
  });

  it('KNOWLEDGE_MODE_BY_PERSONA overrides the global mode for one persona', async () => {
    h = await withDocuments({ KNOWLEDGE_MODE: 'tool', KNOWLEDGE_MODE_BY_PERSONA: 'secretary:context' });
    await h.client.chat.completions.create({
      model: 'secretary',
      messages: [{ role: 'user', content: 'Где находится ваша пекарня?' }],
    });
    expect(toolsOf(h, 0)).toEqual([]);
    const system = messagesOf(h)[0]?.find((m) => m.role === 'system');
    expect(String(system?.content)).toContain('улица Ленина, дом 15');
  });

  it('a plain model route and a client that brings its own tools are left alone', async () => {
    h = await withDocuments();
    const plain = await h.client.chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(toolsOf(h, 0)).toEqual([]);
    expect('sources' in plain).toBe(false);
    await h.client.chat.completions.create({
      model: 'secretary',
      messages: [{ role: 'user', content: 'hi' }],
      tools: [{ type: 'function', function: { name: 'my_tool', parameters: { type: 'object', properties: {} } } }],
    });
    expect(toolsOf(h, 1)).toEqual(['my_tool']);
  });

  it('KNOWLEDGE_MODE=off offers nothing', async () => {
    h = await withDocuments({ KNOWLEDGE_MODE: 'off' });
    const completion = await h.client.chat.completions.create({
      model: 'secretary',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(toolsOf(h, 0)).toEqual([]);
    expect('sources' in completion).toBe(false);
  });
});
