import type { LlmRouter } from './router.js';
import type { ChatRequest } from './router/types.js';
import type { ChatMessage, ToolCall, ToolDefinition } from './types.js';

/** A tool a channel offers for one turn: its definition and how it runs (the string goes back to the model). */
export interface LoopTool {
  definition: ToolDefinition;
  run(args: Record<string, unknown>, signal: AbortSignal): Promise<string>;
}

/** One tool call as the conversation record keeps it. */
export interface ToolCallRecord {
  name: string;
  arguments: string;
  result: string | null;
  error: string | null;
  durationMs: number;
}

export interface ToolLoopOptions {
  router: Pick<LlmRouter, 'chat'>;
  /** The turn's request (its `tools` are replaced by the definitions of `tools`). */
  request: ChatRequest;
  tools: LoopTool[];
  onDelta: (text: string) => void;
  /** Model answers that may call tools before the last one, which may not (default 4). */
  maxRounds?: number;
  /** Each call's limit (default 10 s); past it the model reads an error. */
  toolTimeoutMs?: number;
}

export interface ToolLoopResult {
  text: string;
  toolCalls: ToolCallRecord[];
}

const DEFAULT_ROUNDS = 4;
const DEFAULT_TOOL_TIMEOUT_MS = 10_000;

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

function parseArguments(raw: string): Record<string, unknown> | null {
  try {
    const parsed: unknown = raw.trim() === '' ? {} : JSON.parse(raw);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** Runs `promise` against a deadline: past `timeoutMs` (or on abort) it rejects and the signal tells the tool. */
async function withTimeout<T>(run: (signal: AbortSignal) => Promise<T>, timeoutMs: number, outer?: AbortSignal) {
  const controller = new AbortController();
  const signal = outer ? AbortSignal.any([outer, controller.signal]) : controller.signal;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`the tool did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([run(signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs one call; whatever happens, the model gets a string and the record says what it was. */
async function runCall(call: ToolCall, tools: LoopTool[], timeoutMs: number, signal?: AbortSignal) {
  const startedAt = performance.now();
  const record: ToolCallRecord = {
    name: call.function.name,
    arguments: call.function.arguments,
    result: null,
    error: null,
    durationMs: 0,
  };
  const tool = tools.find((t) => t.definition.function.name === call.function.name);
  const args = parseArguments(call.function.arguments);
  try {
    if (!tool) throw new Error(`there is no tool named ${call.function.name}`);
    if (!args) throw new Error('the arguments were not a JSON object');
    record.result = await withTimeout((s) => tool.run(args, s), timeoutMs, signal);
  } catch (error) {
    record.error = errorText(error);
  }
  record.durationMs = Math.round(performance.now() - startedAt);
  return record;
}

const toolMessage = (call: ToolCall, record: ToolCallRecord): ChatMessage => ({
  role: 'tool',
  tool_call_id: call.id,
  content: record.error === null ? (record.result ?? '') : `error: ${record.error}`,
});

/**
 * A bot turn with tools: asks the router (offering `tools`), runs the calls the model makes in parallel (each
 * with a timeout), feeds the results back and asks again, at most `maxRounds` times; the last round offers no
 * tool choice, so the turn always ends with text. Content deltas stream through `onDelta` as they come.
 * With a `sessionKey` the router remembers each round (the user message and the assistant's calls), so the
 * next round sends only the tool results; without one the whole exchange is sent again.
 */
export async function runToolLoop(options: ToolLoopOptions): Promise<ToolLoopResult> {
  const { router, request, tools, onDelta } = options;
  const maxRounds = options.maxRounds ?? DEFAULT_ROUNDS;
  const definitions = tools.map((t) => t.definition);
  const records: ToolCallRecord[] = [];
  let messages = request.messages;
  let sent: ChatMessage[] = request.messages;
  let text = '';
  for (let round = 0; ; round++) {
    const last = round >= maxRounds || definitions.length === 0;
    const stream = await router.chat({
      ...request,
      messages: sent,
      ...(definitions.length > 0 ? { tools: definitions, toolChoice: last ? 'none' : 'auto' } : {}),
      ...(round > 0 ? { faq: false } : {}),
    });
    for await (const delta of stream) {
      if (!delta.content) continue;
      text += delta.content;
      onDelta(delta.content);
    }
    if (last) return { text: text.trim(), toolCalls: records };
    const { toolCalls } = await stream.result;
    if (toolCalls.length === 0) return { text: text.trim(), toolCalls: records };
    const done = await Promise.all(
      toolCalls.map((call) => runCall(call, tools, options.toolTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS, request.signal)),
    );
    records.push(...done);
    const results = toolCalls.map((call, i) => toolMessage(call, done[i]!));
    const assistant: ChatMessage = { role: 'assistant', content: null, tool_calls: toolCalls };
    messages = [...messages, assistant, ...results];
    sent = request.sessionKey ? results : messages;
  }
}
