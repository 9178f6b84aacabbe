import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpToolsService } from '../../src/core/http-tools/http-tools-service.js';
import { httpToolsVoicePort } from '../../src/core/http-tools/loop-tools.js';
import { createOutboundPolicy } from '../../src/core/net/outbound-policy.js';
import { createHttpFetch } from '../../src/llm-providers/http-fetch.js';
import { createTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { startCall, waitFor } from '../voice/harness.js';
import { startShopService, type ShopService } from './shop-service.js';

describe('HTTP tools on voice calls', () => {
  let rt: TestRuntime;
  let shop: ShopService;
  let port: ReturnType<typeof httpToolsVoicePort>;
  beforeAll(async () => {
    shop = await startShopService();
    rt = await createTestRuntime();
    const tools = createHttpToolsService({
      store: rt.stores.httpTools,
      secrets: rt.services.secrets,
      clock: Date.now,
      newId: randomUUID,
      fetchFor: () => createHttpFetch({ policy: createOutboundPolicy({ allow: [`127.0.0.1:${shop.port}`] }) }),
    });
    await tools.create({
      name: 'order_status',
      description: 'The status of an order by its number.',
      parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
      method: 'GET',
      urlTemplate: `${shop.url}/orders/{order_id}`,
      responsePath: 'data.status',
      channels: ['voice'],
    });
    port = httpToolsVoicePort(tools, () => 'secretary');
  }, 60_000);
  afterAll(async () => {
    await rt.dispose();
    await shop.close();
  });

  it('offers the tool, calls the shop and keeps the call on the turn', async () => {
    const call = startCall({
      store: rt.stores.conversations,
      stt: ['Where is my order 1042?'],
      llm: [
        { toolCalls: [{ name: 'order_status', arguments: { order_id: '1042' } }] },
        { text: 'Your order shipped on 3 December.' },
      ],
      deps: { httpTools: port },
    });
    await call.greeted;
    const answered = waitFor(call.session, 'metrics');
    await call.caller.say(600);
    await answered;
    await call.end();
    expect(call.llm.state.calls[0]!.request.tools.map((t) => t.name)).toContain('order_status');
    const fedBack = call.llm.state.calls[1]!.request.messages.at(-1);
    expect(fedBack).toMatchObject({ role: 'tool', content: 'shipped on 3 December' });
    expect(shop.requests[0]).toMatchObject({ method: 'GET', url: '/orders/1042' });
    const turns = await rt.stores.conversations.turns(call.session.id);
    expect(turns[0]!.toolCalls.find((t) => t.name === 'order_status')?.result).toBe('shipped on 3 December');
  });
});
