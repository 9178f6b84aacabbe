import type { ChatStream } from '../../core/llm/chat-stream.js';
import type { FaqService } from '../../core/llm/faq/faq-service.js';
import type { ChatRequest } from '../../core/llm/router.js';
import type { ChatMessage, ToolCall, ToolCallDelta, ToolDefinition } from '../../core/llm/types.js';
import type { FaqPort, LlmEvent, LlmMessage, LlmPort, LlmToolCall, LlmToolSpec } from '../../core/voice/ports.js';

export interface RouterLlmPortOptions {
  router: { chat(request: ChatRequest): Promise<ChatStream> };
  /** Persona slug or model route (`secretary`); a function is asked on every request. */
  route: string | (() => string);
  /**
   * Per provider attempt: no first token within it, the router cancels the attempt and tries the next
   * provider; none left, its `LlmUnavailableError` sends the call to the degraded script.
   */
  firstTokenTimeoutMs?: number;
}

function toToolCall(call: LlmToolCall): ToolCall {
  return { id: call.id, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.arguments) } };
}

export function toChatMessages(messages: LlmMessage[]): ChatMessage[] {
  return messages.map((m): ChatMessage => {
    switch (m.role) {
      case 'system':
      case 'user':
        return { role: m.role, content: m.content };
      case 'assistant':
        return m.toolCalls && m.toolCalls.length > 0
          ? { role: 'assistant', content: m.content === '' ? null : m.content, tool_calls: m.toolCalls.map(toToolCall) }
          : { role: 'assistant', content: m.content };
      case 'tool':
        return { role: 'tool', content: m.content, tool_call_id: m.toolCallId };
    }
  });
}

const toTools = (tools: LlmToolSpec[]): ToolDefinition[] =>
  tools.map((t) => ({
    type: 'function',
    function: { name: t.name, description: t.description, parameters: t.parameters },
  }));

function parseArguments(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {}; // the tool answers with its own "missing argument" message
  }
}

/** Merges OpenAI's streamed tool-call fragments (by index) into complete calls. */
export function createToolCallAssembler() {
  const calls: Array<{ id: string; name: string; arguments: string }> = [];
  return {
    add(delta: ToolCallDelta): void {
      const call = (calls[delta.index] ??= { id: '', name: '', arguments: '' });
      if (delta.id) call.id = delta.id;
      if (delta.function?.name) call.name += delta.function.name;
      if (delta.function?.arguments) call.arguments += delta.function.arguments;
    },
    complete(): LlmToolCall[] {
      return calls
        .filter((c) => c !== undefined && c.name !== '')
        .map((c, i) => ({ id: c.id || `call_${i}`, name: c.name, arguments: parseArguments(c.arguments) }));
    },
  };
}

/**
 * Splits the engine's leading system messages (its voice-call rules) from the conversation: the router
 * merges them into the persona's system message, so the model sees one system prompt, persona first.
 */
export function splitInstructions(messages: LlmMessage[]): { instructions: string; rest: LlmMessage[] } {
  const lead = messages.findIndex((m) => m.role !== 'system');
  const count = lead === -1 ? messages.length : lead;
  const instructions = messages
    .slice(0, count)
    .map((m) => m.content.trim())
    .filter((text) => text !== '')
    .join('\n\n');
  return { instructions, rest: messages.slice(count) };
}

/**
 * The voice engine's LLM port on the router: streamed text deltas, then complete tool calls. The
 * router's errors pass unchanged: its `LlmUnavailableError` switches the call to degraded mode.
 */
export function createRouterLlmPort(options: RouterLlmPortOptions): LlmPort {
  return {
    async *stream(request, signal): AsyncIterable<LlmEvent> {
      const { instructions, rest } = splitInstructions(request.messages);
      const stream = await options.router.chat({
        route: request.metadata?.route ?? (typeof options.route === 'function' ? options.route() : options.route),
        ...(instructions !== '' ? { instructions } : {}),
        messages: toChatMessages(rest),
        ...(request.tools.length > 0 ? { tools: toTools(request.tools) } : {}),
        channel: request.metadata?.channel ?? 'voice',
        faq: false, // the engine asks the FAQ port itself, before the LLM
        ...(options.firstTokenTimeoutMs !== undefined ? { firstTokenTimeoutMs: options.firstTokenTimeoutMs } : {}),
        signal,
      });
      const tools = createToolCallAssembler();
      try {
        for await (const delta of stream) {
          if (delta.content) yield { type: 'text', delta: delta.content };
          for (const fragment of delta.toolCalls ?? []) tools.add(fragment);
        }
      } finally {
        if (signal.aborted) stream.cancel();
      }
      for (const call of tools.complete()) yield { type: 'tool_call', call };
    },
  };
}

/** FAQ instant answers (counted as hits) for the engine's FAQ-first step and degraded mode. */
export function createFaqPort(faq: Pick<FaqService, 'answer'>): FaqPort {
  return {
    match: async (question) => faq.answer(question)?.answer ?? null,
  };
}
