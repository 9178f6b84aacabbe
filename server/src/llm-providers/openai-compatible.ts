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
} from '../core/llm/types.js';
import { createHttpFetch } from './http-fetch.js';

/**
 * Every supported provider type speaks the OpenAI chat format (vLLM natively; Gemini, Anthropic,
 * DeepSeek, Kimi and OpenRouter through their compatibility endpoints), so one adapter built on
 * the official `openai` client serves them all. Retries are off: failover is the router's job.
 */
export function createOpenAiCompatibleProvider(config: ProviderConfig): LlmProvider {
  const client = new OpenAI({
    baseURL: config.baseUrl,
    apiKey: config.apiKey ?? 'not-needed',
    maxRetries: 0,
    timeout: config.timeoutMs,
    fetch: createHttpFetch({ maxSockets: 1024 }),
  });
  return {
    async *stream(request, signal) {
      const chunks = await open(client, request, signal);
      try {
        for await (const chunk of chunks) yield* toEvents(chunk);
      } catch (error) {
        throw classify(error, signal);
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

async function open(client: OpenAI, request: ProviderRequest, signal: AbortSignal) {
  try {
    return await client.chat.completions.create(toBody(request), { signal });
  } catch (error) {
    throw classify(error, signal);
  }
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

function* toEvents(chunk: ChatCompletionChunk): Generator<ProviderEvent> {
  const choice = chunk.choices?.[0];
  if (choice) yield { kind: 'delta', delta: toDelta(choice) };
  if (chunk.usage) {
    yield {
      kind: 'usage',
      usage: { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens },
    };
  }
}

function toDelta(choice: ChatCompletionChunk.Choice): ChatDelta {
  const delta: ChatDelta = {};
  if (choice.delta.role === 'assistant') delta.role = 'assistant';
  if (typeof choice.delta.content === 'string') delta.content = choice.delta.content;
  if (choice.delta.tool_calls) delta.toolCalls = choice.delta.tool_calls;
  if (choice.finish_reason && choice.finish_reason !== 'function_call') {
    delta.finishReason = choice.finish_reason;
  }
  return delta;
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
