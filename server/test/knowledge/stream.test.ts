import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLlmHarness, type LlmHarness } from '../llm/helpers.js';
import { startShopService, type ShopService } from '../tools/shop-service.js';
import { DOCUMENTS } from './fixtures.js';

type Chunk = {
  choices: Array<{ delta: { content?: string | null }; finish_reason: string | null }>;
  sources?: unknown;
};
type Message = { role: string; content: unknown };

async function streamed(h: LlmHarness, text: string) {
  const stream = await h.client.chat.completions.create({
    model: 'secretary',
    stream: true,
    messages: [{ role: 'user', content: text }],
  });
  const chunks: Chunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  const content = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
  const sources = chunks.find((c) => 'sources' in c)?.sources as Array<{ heading: string }> | undefined;
  return { chunks, content, sources };
}

describe('streamed /v1 persona answers with the knowledge base and tools', () => {
  let h: LlmHarness;
  let shop: ShopService;
  beforeAll(async () => {
    shop = await startShopService();
    h = await startLlmHarness();
    h.primary.autoToolCall = false;
    h.primary.answerFromTools = true;
    for (const doc of DOCUMENTS) await h.api('POST', '/api/knowledge/documents', doc);
  }, 60_000);
  afterAll(async () => {
    await h.close();
    await shop.close();
  });

  it('runs search_knowledge between streamed rounds and ends with a chunk carrying the sources', async () => {
    h.primary.scriptToolCalls({ name: 'search_knowledge', arguments: JSON.stringify({ query: 'Is delivery free?' }) });
    const { chunks, content, sources } = await streamed(h, 'Do you charge for delivery?');
    expect(content).toContain('From our records: ');
    expect(content).toContain('Delivery is free for orders over $40');
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'stop')).toBe(true);
    expect(sources?.[0]?.heading).toBe('Golden Crust Bakery › Delivery');
    const fedBack = (h.primary.requests.at(-1)?.body.messages as Message[]).at(-1);
    expect(fedBack?.role).toBe('tool');
  });

  it('a model that calls nothing streams its text, with empty sources', async () => {
    const { content, sources } = await streamed(h, 'hello');
    expect(content).toBe('Hello from the fake model.');
    expect(sources).toEqual([]);
  });

  it('an HTTP tool is called in a streamed answer too', async () => {
    await h.api('POST', '/api/tools', {
      name: 'order_status',
      description: 'Order status by number.',
      parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
      method: 'GET',
      urlTemplate: `${shop.url}/orders/{order_id}`,
      responsePath: 'data.status',
      allowPrivateNetwork: true,
    });
    h.primary.scriptToolCalls({ name: 'order_status', arguments: JSON.stringify({ order_id: '77' }) });
    const { content } = await streamed(h, 'Where is order 77?');
    expect(content).toBe('From our records: shipped on 3 December');
    expect(shop.requests.at(-1)?.url).toBe('/orders/77');
  });
});
