import { describe, expect, it } from 'vitest';
import { LlmUnavailableError, SpeechUnavailableError } from '../../src/errors.js';
import { SpeechEngineError, SpeechWorkerLostError } from '../../src/errors.js';
import type { ChatStream } from '../../src/core/llm/chat-stream.js';
import type { ChatRequest } from '../../src/core/llm/router.js';
import type { LlmPort } from '../../src/core/voice/ports.js';
import { createRouterLlmPort, createToolCallAssembler, toChatMessages } from '../../src/voice/adapters/llm-port.js';
import { toVoiceSpeechError } from '../../src/voice/adapters/speech-ports.js';
import { voiceRoute } from '../../src/voice/adapters/index.js';

describe('voice adapters', () => {
  it('assembles streamed tool-call fragments (two calls, interleaved) into complete calls', () => {
    const tools = createToolCallAssembler();
    tools.add({ index: 0, id: 'call_a', type: 'function', function: { name: 'take_message', arguments: '' } });
    tools.add({ index: 1, id: 'call_b', type: 'function', function: { name: 'end_call', arguments: '{' } });
    tools.add({ index: 0, function: { arguments: '{"caller_name":"An' } });
    tools.add({ index: 0, function: { arguments: 'n","reason":"hours"}' } });
    tools.add({ index: 1, function: { arguments: '}' } });
    expect(tools.complete()).toEqual([
      { id: 'call_a', name: 'take_message', arguments: { caller_name: 'Ann', reason: 'hours' } },
      { id: 'call_b', name: 'end_call', arguments: {} },
    ]);
  });

  it('turns broken or non-object tool arguments into {} (the tool then asks for what is missing)', () => {
    const tools = createToolCallAssembler();
    tools.add({ index: 0, function: { name: 'take_message', arguments: '{"caller_name": "Ann' } });
    tools.add({ index: 1, function: { name: 'end_call', arguments: '[1,2]' } });
    expect(tools.complete()).toEqual([
      { id: 'call_0', name: 'take_message', arguments: {} },
      { id: 'call_1', name: 'end_call', arguments: {} },
    ]);
  });

  it('maps engine messages to the router format, tool calls and results included', () => {
    const call = { id: 'c1', name: 'take_message', arguments: { reason: 'x' } };
    expect(
      toChatMessages([
        { role: 'system', content: 'sys' },
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: '', toolCalls: [call] },
        { role: 'tool', toolCallId: 'c1', content: 'stored' },
        { role: 'assistant', content: 'Done.' },
      ]),
    ).toEqual([
      { role: 'system', content: 'sys' },
      { role: 'user', content: 'hi' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'take_message', arguments: '{"reason":"x"}' } }],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'stored' },
      { role: 'assistant', content: 'Done.' },
    ]);
  });

  it('maps "every provider failed" to degraded mode and leaves other errors as turn failures', async () => {
    const failing = (error: Error) =>
      createRouterLlmPort({ router: { chat: () => Promise.reject(error) }, route: 'x' });
    const thrown = async (port: LlmPort) => {
      try {
        for await (const e of port.stream({ messages: [], tools: [] }, new AbortController().signal)) void e;
      } catch (error) {
        return error;
      }
      return null;
    };
    const mapped = await thrown(failing(new LlmUnavailableError([])));
    expect(mapped).toBeInstanceOf(LlmUnavailableError);
    const other = new Error('stream cut');
    expect(await thrown(failing(other))).toBe(other);
  });

  it('maps a lost or missing speech worker to SpeechUnavailableError(stage); engine failures pass', () => {
    const lost = toVoiceSpeechError('stt', new SpeechWorkerLostError('w1'));
    expect(lost).toBeInstanceOf(SpeechUnavailableError);
    expect((lost as SpeechUnavailableError).stage).toBe('stt');
    const engine = new SpeechEngineError('X', false);
    expect(toVoiceSpeechError('tts', engine)).toBe(engine);
  });

  it('talks through the secretary persona of the call language', () => {
    expect(voiceRoute('en')).toBe('secretary');
    expect(voiceRoute('ru-RU')).toBe('secretary-ru');
  });

  it("hands the engine's system prompt to the router as instructions, not as a second system message", async () => {
    const seen: ChatRequest[] = [];
    const router = {
      chat: async (request: ChatRequest) => {
        seen.push(request);
        const stream = (async function* () {
          yield { content: 'Hi.' };
        })();
        return Object.assign(stream, { cancel: () => undefined }) as unknown as ChatStream;
      },
    };
    const port = createRouterLlmPort({ router, route: 'secretary' });
    const events = [];
    const messages = [
      { role: 'system' as const, content: 'Voice call: answer briefly.' },
      { role: 'user' as const, content: 'hi' },
    ];
    for await (const e of port.stream({ messages, tools: [] }, new AbortController().signal)) events.push(e);
    expect(events).toEqual([{ type: 'text', delta: 'Hi.' }]);
    expect(seen[0]!.instructions).toBe('Voice call: answer briefly.');
    expect(seen[0]!.messages).toEqual([{ role: 'user', content: 'hi' }]);
    expect(seen[0]!.route).toBe('secretary');
    // A session's own route (a widget token's persona) replaces the port's default.
    const metadata = { channel: 'widget', route: 'shop-persona' };
    for await (const e of port.stream({ messages, tools: [], metadata }, new AbortController().signal)) void e;
    expect(seen[1]!.route).toBe('shop-persona');
  });
});
