import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKnowledgeService } from '../../src/core/knowledge/knowledge-service.js';
import { knowledgeVoicePort } from '../../src/core/knowledge/knowledge-turn.js';
import { createTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { startCall, waitFor } from '../voice/harness.js';
import { DOCUMENTS } from './fixtures.js';

describe('the knowledge base on voice calls', () => {
  let rt: TestRuntime;
  let port: ReturnType<typeof knowledgeVoicePort>;
  beforeAll(async () => {
    rt = await createTestRuntime();
    const knowledge = createKnowledgeService({ store: rt.stores.knowledge, clock: Date.now, newId: randomUUID });
    port = knowledgeVoicePort({ knowledge, mode: () => 'tool', tokenBudget: 600 });
    expect(port.available()).toBe(false);
    for (const doc of DOCUMENTS) await knowledge.create({ ...doc, source: 'text' });
  });
  afterAll(async () => {
    await rt.dispose();
  });

  it('offers search_knowledge; the passage goes back to the model and its source is kept on the turn', async () => {
    const call = startCall({
      store: rt.stores.conversations,
      stt: ['Where is your bakery?'],
      llm: [
        { toolCalls: [{ name: 'search_knowledge', arguments: { query: 'Where is the bakery located?' } }] },
        { text: 'We are at 221 Baker Street.' },
      ],
      deps: { knowledge: port },
    });
    await call.greeted;
    const answered = waitFor(call.session, 'metrics');
    await call.caller.say(600);
    await answered;
    await call.end();
    const first = call.llm.state.calls[0]!.request;
    expect(first.tools.map((t) => t.name)).toContain('search_knowledge');
    const fedBack = call.llm.state.calls[1]!.request.messages.at(-1);
    expect(fedBack).toMatchObject({ role: 'tool' });
    expect(String(fedBack?.content)).toContain('221 Baker Street');
    const turns = await rt.stores.conversations.turns(call.session.id);
    const search = turns[0]!.toolCalls.find((t) => t.name === 'search_knowledge');
    expect(search?.result).toContain('Golden Crust Bakery › Address');
    expect(search?.result).toContain('(source: text)');
  });
});
