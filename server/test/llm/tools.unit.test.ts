import { describe, expect, it } from 'vitest';
import { createToolRegistry } from '../../src/core/llm/tools.js';

const context = { channel: 'gsm', instanceId: null, sessionKey: 'gsm:1', signal: new AbortController().signal };

describe('tools registry', () => {
  it('registers tools once, offers their definitions and runs calls', async () => {
    const tools = createToolRegistry();
    const taken: unknown[] = [];
    tools.register({
      definition: { type: 'function', function: { name: 'take_message', parameters: { type: 'object' } } },
      run: async (args) => {
        taken.push(args);
        return 'saved';
      },
    });
    tools.register({ definition: { type: 'function', function: { name: 'end_call' } }, run: async () => 'bye' });
    expect(() =>
      tools.register({ definition: { type: 'function', function: { name: 'end_call' } }, run: async () => '' }),
    ).toThrow(/already registered/);
    expect(tools.definitions(['take_message']).map((d) => d.function.name)).toEqual(['take_message']);
    expect(tools.definitions()).toHaveLength(2);
    const call = { id: 'c1', type: 'function' as const, function: { name: 'take_message', arguments: '{"to":"Bob"}' } };
    expect(await tools.run(call, context)).toBe('saved');
    expect(taken).toEqual([{ to: 'Bob' }]);
  });

  it('answers bad arguments to the model instead of throwing, and refuses unknown tools', async () => {
    const tools = createToolRegistry();
    tools.register({ definition: { type: 'function', function: { name: 'x' } }, run: async () => 'ran' });
    expect(
      await tools.run({ id: '1', type: 'function', function: { name: 'x', arguments: '{oops' } }, context),
    ).toMatch(/not valid JSON/);
    await expect(
      tools.run({ id: '1', type: 'function', function: { name: 'y', arguments: '{}' } }, context),
    ).rejects.toThrow(/not found/);
  });
});
