import OpenAI from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import {
  ProviderFailure,
  type ChatDelta,
  type LlmProvider,
  type ProviderConfig,
  type ProviderEvent,
  type ProviderRequest,
  type ToolCallDelta,
} from '../core/llm/types.js';
import type { OutboundPolicy } from '../core/net/outbound-policy.js';
import { createHttpFetch } from './http-fetch.js';
import { SseReader, type SseMessage } from './sse.js';

/** How long the rest of a finished answer's body (after `[DONE]`) may take before the connection is dropped. */
const DRAIN_GRACE_MS = 5000;

/**
 * Every supported provider type speaks the OpenAI chat format (vLLM natively; Gemini, Anthropic,
 * DeepSeek, Kimi and OpenRouter through their compatibility endpoints), so one adapter built on
 * the official `openai` client serves them all. Retries are off: failover is the router's job.
 */
export function createOpenAiCompatibleProvider(
  config: ProviderConfig,
  options: { policy?: OutboundPolicy } = {},
): LlmProvider {
  const client = new OpenAI({
    baseURL: config.baseUrl,
    apiKey: config.apiKey ?? 'not-needed',
    maxRetries: 0,
    timeout: config.timeoutMs,
    fetch: createHttpFetch({ maxSockets: 1024, policy: options.policy }),
  });
  return {
    async *stream(request, signal) {
      const reader = new SseReader(await open(client, request, signal));
      try {
        for (let batch = await reader.next(); batch !== null; batch = await reader.next()) {
          const { events, done, error } = readBatch(batch);
          // The answer is complete: read the body's end in the background, the keep-alive connection stays.
          if (done) reader.release(DRAIN_GRACE_MS);
          if (events.length > 0) yield events; // what came before [DONE] or an error is still the answer's
          if (error !== null) throw error;
          if (done) return;
        }
      } catch (error) {
        throw classify(error, signal);
      } finally {
        reader.cancel();
      }
    },
    async listModels(signal) {
      try {
        const page = await client.models.list({ signal });
        return page.data.map((model) => model.id);
      } catch (error) {
        throw classify(error, signal);
      }
    },
  };
}

/**
 * Sends the request through the `openai` client (headers, auth, timeouts, and its typed errors for
 * non-2xx answers) and takes the raw body: the SSE events are read by `SseReader`, which parses
 * each network read in one pass instead of the client's per-event async generators, the larger
 * share of the router's per-token cost (docs/llm.md, "The /v1 hot path").
 */
async function open(client: OpenAI, request: ProviderRequest, signal: AbortSignal) {
  try {
    const response = await client.chat.completions.create(toBody(request), { signal }).asResponse();
    if (!response.body) throw new ProviderFailure('connection', 'the provider sent no body');
    return response.body as unknown as AsyncIterable<Uint8Array>;
  } catch (error) {
    throw classify(error, signal);
  }
}

/** The events of one network read, up to `[DONE]` (then `done`) or up to a bad event (then `error`). */
function readBatch(batch: SseMessage[]): { events: ProviderEvent[]; done: boolean; error: unknown } {
  const events: ProviderEvent[] = [];
  for (const message of batch) {
    if (message.data.startsWith('[DONE]')) return { events, done: true, error: null };
    try {
      appendEvents(parseChunk(message), events);
    } catch (error) {
      return { events, done: false, error };
    }
  }
  return { events, done: false, error: null };
}

/** One `data:` payload as a chunk; an `error` object or an `event: error` in the stream is the provider failing. */
function parseChunk(message: SseMessage): ChatCompletionChunk {
  let data: unknown;
  try {
    data = JSON.parse(message.data);
  } catch {
    throw new ProviderFailure(
      'connection',
      `the provider sent an event that is not JSON: ${message.data.slice(0, 80)}`,
    );
  }
  const error = (data as { error?: unknown } | null)?.error;
  if (message.event === 'error' || error) throw streamError(error ?? data);
  return data as ChatCompletionChunk;
}

function streamError(error: unknown): ProviderFailure {
  const detail = error as { message?: unknown; code?: unknown } | null;
  const message = typeof detail?.message === 'string' ? detail.message : JSON.stringify(error).slice(0, 200);
  return new ProviderFailure('server_error', `the provider reported an error mid-stream: ${message}`);
}

function toBody(request: ProviderRequest): ChatCompletionCreateParamsStreaming {
  const body: ChatCompletionCreateParamsStreaming = {
    model: request.model,
    messages: request.messages as ChatCompletionMessageParam[],
    stream: true,
    stream_options: { include_usage: true },
  };
  const optional: Record<string, unknown> = {
    temperature: request.temperature,
    top_p: request.topP,
    max_tokens: request.maxTokens,
    stop: request.stop,
    seed: request.seed,
    presence_penalty: request.presencePenalty,
    frequency_penalty: request.frequencyPenalty,
    response_format: request.responseFormat,
    tools: request.tools,
    tool_choice: request.toolChoice,
    user: request.user,
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (body as unknown as Record<string, unknown>)[key] = value;
  }
  return body;
}

function appendEvents(chunk: ChatCompletionChunk, into: ProviderEvent[]): void {
  const choice = chunk.choices?.[0];
  if (choice) into.push({ kind: 'delta', delta: toDelta(choice) });
  if (chunk.usage) {
    into.push({
      kind: 'usage',
      usage: { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens },
    });
  }
}

function toDelta(choice: ChatCompletionChunk.Choice): ChatDelta {
  const delta: ChatDelta = {};
  if (choice.delta.role === 'assistant') delta.role = 'assistant';
  if (typeof choice.delta.content === 'string') delta.content = choice.delta.content;
  if (choice.delta.tool_calls) delta.toolCalls = choice.delta.tool_calls.flatMap(toToolCallDelta);
  if (choice.finish_reason && choice.finish_reason !== 'function_call') {
    delta.finishReason = choice.finish_reason;
  }
  return delta;
}

/** Function tool calls only (the router offers no custom tools); a custom-tool fragment is dropped. */
function toToolCallDelta(call: ChatCompletionChunk.Choice.Delta.ToolCall): ToolCallDelta[] {
  if (call.type === 'custom' || call.custom !== undefined) return [];
  const out: ToolCallDelta = { index: call.index };
  if (call.id !== undefined) out.id = call.id;
  if (call.type !== undefined) out.type = call.type;
  if (call.function !== undefined) out.function = call.function;
  return [out];
}

/** Maps the client's errors to what the router needs: fail over or not, count against the breaker or not. */
export function classify(error: unknown, signal: AbortSignal): ProviderFailure {
  if (error instanceof ProviderFailure) return error;
  if (signal.aborted) return new ProviderFailure('aborted', 'aborted', { cause: error });
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new ProviderFailure('timeout', 'upstream timed out', { cause: error });
  }
  if (error instanceof OpenAI.APIError && typeof error.status === 'number') return fromStatus(error.status, error);
  return new ProviderFailure('connection', describe(error), { cause: error });
}

function fromStatus(status: number, error: Error): ProviderFailure {
  const message = `upstream answered ${status}: ${error.message}`;
  if (status === 429) return new ProviderFailure('rate_limited', message, { status, cause: error });
  if (status >= 500) return new ProviderFailure('server_error', message, { status, cause: error });
  if (status === 401 || status === 403) return new ProviderFailure('auth', message, { status, cause: error });
  return new ProviderFailure('bad_request', message, { status, cause: error });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : 'upstream connection failed';
}
