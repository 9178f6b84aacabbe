import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLlmHarness, type LlmHarness } from '../llm/helpers.js';
import { startShopService, type ShopService } from './shop-service.js';

type Message = { role: string; content: unknown };
const lastFedBack = (h: LlmHarness) => (h.primary.requests.at(-1)?.body.messages as Message[]).at(-1);
const toolsOf = (h: LlmHarness, n: number) =>
  ((h.primary.requests[n]?.body.tools ?? []) as Array<{ function: { name: string } }>).map((t) => t.function.name);

const ORDER_SCHEMA = {
  type: 'object',
  properties: { order_id: { type: 'string', pattern: '^[0-9]{1,10}$', description: 'The order number' } },
  required: ['order_id'],
  additionalProperties: false,
};

function orderTool(shop: ShopService, extra: Record<string, unknown> = {}) {
  return {
    name: 'order_status',
    description: 'The status of an order in the shop, by its number.',
    parameters: ORDER_SCHEMA,
    method: 'GET',
    urlTemplate: `${shop.url}/orders/{order_id}`,
    headers: [
      { name: 'Authorization', value: 'Bearer shop-s3cret', secret: true },
      { name: 'X-Shop', value: 'main' },
    ],
    responsePath: 'data.status',
    allowPrivateNetwork: true,
    ...extra,
  };
}

async function ask(h: LlmHarness, text: string) {
  const completion = await h.client.chat.completions.create({
    model: 'secretary',
    messages: [{ role: 'user', content: text }],
  });
  return completion.choices[0]?.message.content ?? '';
}

describe('HTTP tools the owner connects', () => {
  let h: LlmHarness;
  let shop: ShopService;
  beforeAll(async () => {
    shop = await startShopService();
    h = await startLlmHarness();
    h.primary.autoToolCall = false;
    h.primary.answerFromTools = true;
  }, 60_000);
  afterAll(async () => {
    await h.close();
    await shop.close();
  });
  beforeEach(async () => {
    shop.requests.length = 0;
    const { items } = await h.api<{ items: Array<{ id: string }> }>('GET', '/api/tools');
    for (const tool of items) await h.api('DELETE', `/api/tools/${tool.id}`);
  });

  it('is called with validated arguments and its answer is used in the reply; secrets are never shown', async () => {
    const created = await h.api('POST', '/api/tools', orderTool(shop));
    expect(created.headers).toEqual([
      { name: 'Authorization', secret: true, value: null },
      { name: 'X-Shop', secret: false, value: 'main' },
    ]);
    expect(JSON.stringify(created)).not.toContain('shop-s3cret');
    h.primary.scriptToolCalls({ name: 'order_status', arguments: JSON.stringify({ order_id: '1042' }) });
    const reply = await ask(h, 'Where is my order 1042?');
    expect(toolsOf(h, h.primary.requests.length - 2)).toContain('order_status');
    expect(shop.requests).toHaveLength(1);
    expect(shop.requests[0]).toMatchObject({ method: 'GET', url: '/orders/1042' });
    expect(shop.requests[0]!.headers.authorization).toBe('Bearer shop-s3cret');
    expect(shop.requests[0]!.headers['x-shop']).toBe('main');
    expect(reply).toBe('From our records: shipped on 3 December');

    const { items: calls } = await h.api('GET', `/api/tools/${created.id}/calls`);
    expect(calls[0]).toMatchObject({
      toolName: 'order_status',
      channel: 'v1',
      route: 'secretary',
      outcome: 'ok',
      httpStatus: 200,
    });
    const audit = await h.api('GET', '/api/audit?limit=50');
    const text = JSON.stringify(audit);
    expect(text).toContain('tools.create');
    expect(text).toContain('tools.call');
    expect(text).not.toContain('shop-s3cret');
  });

  it('an update without a header value keeps the sealed secret; the stored row never holds it in clear', async () => {
    const created = await h.api('POST', '/api/tools', orderTool(shop));
    await h.api('PATCH', `/api/tools/${created.id}`, {
      description: 'Order status (updated)',
      headers: [{ name: 'Authorization', secret: true }],
    });
    const row = await h.rt.stores.httpTools.get(created.id);
    expect(JSON.stringify(row)).not.toContain('shop-s3cret');
    const tested = await h.api('POST', `/api/tools/${created.id}/test`, { arguments: { order_id: '7' } }, 200);
    expect(tested).toMatchObject({ outcome: 'ok', httpStatus: 200, result: 'shipped on 3 December' });
    expect(shop.requests.at(-1)!.headers.authorization).toBe('Bearer shop-s3cret');
    expect(shop.requests.at(-1)!.headers['x-shop']).toBeUndefined();
  });

  it('bad arguments from the model get a clear error back, not a request and not a crash', async () => {
    await h.api('POST', '/api/tools', orderTool(shop));
    h.primary.scriptToolCalls({ name: 'order_status', arguments: JSON.stringify({ order_id: 'DROP TABLE', x: 1 }) });
    const reply = await ask(h, 'Where is my order?');
    const fedBack = String(lastFedBack(h)?.content);
    expect(fedBack).toContain("error: the arguments do not match the tool's schema");
    expect(fedBack).toContain('/order_id must match pattern');
    expect(fedBack).toContain('must NOT have additional properties');
    expect(reply).toContain('From our records: error:');
    h.primary.scriptToolCalls({ name: 'order_status', arguments: '{not json' });
    await ask(h, 'again');
    expect(String(lastFedBack(h)?.content)).toBe('error: the arguments were not valid JSON');
    expect(shop.requests).toHaveLength(0);
  });

  it('a slow service times out cleanly', async () => {
    const tool = await h.api('POST', '/api/tools', {
      ...orderTool(shop),
      name: 'slow_lookup',
      urlTemplate: `${shop.url}/slow/{order_id}`,
      timeoutMs: 300,
    });
    h.primary.scriptToolCalls({ name: 'slow_lookup', arguments: JSON.stringify({ order_id: '1' }) });
    await ask(h, 'Where is my order 1?');
    expect(String(lastFedBack(h)?.content)).toBe('error: the service did not answer within 300 ms');
    const { items } = await h.api('GET', `/api/tools/${tool.id}/calls`);
    expect(items[0]).toMatchObject({ outcome: 'timeout', httpStatus: null });
  });

  it('a tool aimed at 127.0.0.1 without its flag is refused (HTTP_TOOLS_ALLOW is empty)', async () => {
    const tool = await h.api('POST', '/api/tools', orderTool(shop, { allowPrivateNetwork: false }));
    h.primary.scriptToolCalls({ name: 'order_status', arguments: JSON.stringify({ order_id: '5' }) });
    await ask(h, 'Where is my order 5?');
    expect(String(lastFedBack(h)?.content)).toMatch(/^error: Requests to 127\.0\.0\.1 are refused/);
    const tested = await h.api('POST', `/api/tools/${tool.id}/test`, { arguments: { order_id: '5' } }, 200);
    expect(tested.outcome).toBe('refused');
    const named = await h.api('POST', '/api/tools', {
      ...orderTool(shop, { allowPrivateNetwork: false }),
      name: 'by_name',
      urlTemplate: `http://localhost:${shop.port}/orders/{order_id}`,
    });
    const byName = await h.api('POST', `/api/tools/${named.id}/test`, { arguments: { order_id: '5' } }, 200);
    expect(byName).toMatchObject({ outcome: 'refused' });
    expect(byName.result).toContain('are refused');
    expect(shop.requests).toHaveLength(0);
  });

  it('an answer over the size limit is cut', async () => {
    const tool = await h.api('POST', '/api/tools', {
      ...orderTool(shop),
      name: 'big',
      urlTemplate: `${shop.url}/big/{order_id}`,
      maxResponseBytes: 256,
      responsePath: null,
    });
    const tested = await h.api('POST', `/api/tools/${tool.id}/test`, { arguments: { order_id: '1' } }, 200);
    expect(tested.outcome).toBe('ok');
    expect(tested.result).toBe(`${'x'.repeat(256)}\n…(the answer was cut at 256 bytes)`);
  });

  it('a side-effecting tool is refused where no one can confirm, and runs from the admin test button', async () => {
    const tool = await h.api('POST', '/api/tools', {
      name: 'cancel_order',
      description: 'Cancels an order.',
      parameters: ORDER_SCHEMA,
      method: 'POST',
      urlTemplate: `${shop.url}/cancel`,
      sideEffects: true,
      allowPrivateNetwork: true,
    });
    h.primary.scriptToolCalls({ name: 'cancel_order', arguments: JSON.stringify({ order_id: '9' }) });
    await ask(h, 'Cancel my order 9');
    expect(String(lastFedBack(h)?.content)).toContain('needs a confirmation no one can give in this conversation');
    expect(shop.requests).toHaveLength(0);
    const tested = await h.api('POST', `/api/tools/${tool.id}/test`, { arguments: { order_id: '9' } }, 200);
    expect(tested).toMatchObject({ outcome: 'ok', result: '{"cancelled":{"order_id":"9"}}' });
    expect(shop.requests[0]).toMatchObject({ method: 'POST', url: '/cancel', body: '{"order_id":"9"}' });
  });

  it('is offered only to the personas and channels it is enabled for', async () => {
    const tool = await h.api('POST', '/api/tools', orderTool(shop, { channels: ['telegram'] }));
    await ask(h, 'hi');
    expect(toolsOf(h, h.primary.requests.length - 1)).toEqual([]);
    await h.api('PATCH', `/api/tools/${tool.id}`, { channels: ['v1'], personas: ['someone-else'] });
    await ask(h, 'hi');
    expect(toolsOf(h, h.primary.requests.length - 1)).toEqual([]);
    await h.api('PATCH', `/api/tools/${tool.id}`, { personas: ['secretary'], enabled: false });
    await ask(h, 'hi');
    expect(toolsOf(h, h.primary.requests.length - 1)).toEqual([]);
    await h.api('PATCH', `/api/tools/${tool.id}`, { enabled: true });
    await ask(h, 'hi');
    expect(toolsOf(h, h.primary.requests.length - 1)).toEqual(['order_status']);
  });

  it('bad definitions get a clear 400 and nothing is stored', async () => {
    const bad = async (patch: Record<string, unknown>, status = 400) => {
      const res = await h.rt.app.inject({
        method: 'POST',
        url: '/api/tools',
        headers: { authorization: `Bearer ${h.admin}` },
        payload: { ...orderTool(shop), ...patch },
      });
      expect(res.statusCode, res.body).toBe(status);
      return res.json<{ error: { code: string; message: string } }>().error;
    };
    expect(await bad({ parameters: { type: 'string' } })).toMatchObject({
      code: 'HTTP_TOOL_BAD_DEFINITION',
      message: 'parameters must describe an object: "type": "object"',
    });
    expect((await bad({ parameters: { type: 'object', properties: { a: { type: 'strin' } } } })).message).toContain(
      'parameters is not a valid JSON Schema',
    );
    expect((await bad({ parameters: { type: 'object', propertees: {} } })).message).toContain(
      'unknown keyword: "propertees"',
    );
    expect((await bad({ parameters: [1] })).message).toBe('parameters must be a JSON Schema object');
    expect((await bad({ urlTemplate: 'http://{host}.example/orders' })).message).toContain(
      'only in the path and query',
    );
    expect((await bad({ urlTemplate: `${shop.url}/orders/{id}` })).message).toContain(
      '{id}, not in parameters.properties',
    );
    expect((await bad({ urlTemplate: 'ftp://example.com/x' })).message).toContain('http or https');
    expect((await bad({ name: 'search_knowledge' })).message).toContain('built-in tool');
    expect((await bad({ name: 'has space' })).code).toBe('VALIDATION_FAILED');
    expect((await bad({ method: 'TRACE' })).code).toBe('VALIDATION_FAILED');
    expect((await bad({ timeoutMs: 60_000 })).code).toBe('VALIDATION_FAILED');
    expect(
      (
        await bad({
          headers: [
            { name: 'X-A', value: '1' },
            { name: 'x-a', value: '2' },
          ],
        })
      ).message,
    ).toContain('given twice');
    expect((await bad({ headers: [{ name: 'X-A' }] })).message).toContain('needs a value');
    expect((await h.api('GET', '/api/tools')).items).toEqual([]);
    await h.api('POST', '/api/tools', orderTool(shop));
    expect((await bad({}, 409)).code).toBe('CONFLICT');
    expect((await h.api('GET', '/api/tools')).items).toHaveLength(1);
  });
});
