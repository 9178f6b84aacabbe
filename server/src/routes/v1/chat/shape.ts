import type { ChatResult, ChatStream } from '../../../core/llm/chat-stream.js';
import type { ChatDelta, ChatMessage, SamplingParams } from '../../../core/llm/types.js';
import { ValidationError } from '../../../errors.js';
import type { ChatCompletionRequest } from './schema.js';

/** Checks what the schema cannot say per role; messages are then in the router's format. */
export function toMessages(body: ChatCompletionRequest): ChatMessage[] {
  return body.messages.map((message, index) => {
    const where = `messages[${index}]`;
    if (message.role === 'tool' && !message.tool_call_id) {
      throw new ValidationError(`${where}: a tool message needs "tool_call_id"`);
    }
    if (message.role === 'assistant') {
      if (message.content == null && !message.tool_calls?.length) {
        throw new ValidationError(`${where}: an assistant message needs "content" or "tool_calls"`);
      }
      return message as ChatMessage;
    }
    if (message.content == null)
      throw new ValidationError(`${where}: "content" is required for role "${String(message.role)}"`);
    return message as ChatMessage;
  });
}

export function toSampling(body: ChatCompletionRequest): SamplingParams {
  const values: SamplingParams = {
    temperature: body.temperature ?? undefined,
    topP: body.top_p ?? undefined,
    maxTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
    stop: body.stop ?? undefined,
    seed: body.seed ?? undefined,
    presencePenalty: body.presence_penalty ?? undefined,
    frequencyPenalty: body.frequency_penalty ?? undefined,
    responseFormat: body.response_format,
  };
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
}

function usageOf(result: ChatResult) {
  const { promptTokens, completionTokens } = result.usage;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}

/** The model name a client sees: the upstream model, or the route it asked for when the FAQ answered. */
export function shownModel(stream: ChatStream, requested: string): string {
  return stream.source === 'faq' ? requested : stream.model;
}

export function completionBody(result: ChatResult, model: string) {
  const message: Record<string, unknown> = { role: 'assistant', content: result.content, refusal: null };
  if (result.toolCalls.length > 0) {
    message.tool_calls = result.toolCalls;
    if (result.content === '') message.content = null;
  }
  return {
    id: result.id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message, finish_reason: result.finishReason, logprobs: null }],
    usage: usageOf(result),
    system_fingerprint: null,
  };
}

/** Builds `chat.completion.chunk` SSE lines; the constant head is serialised once per stream. */
export function chunkWriter(stream: ChatStream, model: string, includeUsage: boolean) {
  const head = `data: {"id":${JSON.stringify(stream.id)},"object":"chat.completion.chunk","created":${stream.created},"model":${JSON.stringify(model)},"system_fingerprint":null,"choices":`;
  const tail = includeUsage ? ',"usage":null}\n\n' : '}\n\n';
  return {
    delta(delta: ChatDelta): string {
      const body: Record<string, unknown> = {};
      if (delta.role) body.role = delta.role;
      if (delta.content !== undefined) body.content = delta.content;
      if (delta.toolCalls) body.tool_calls = delta.toolCalls;
      const choice = { index: 0, delta: body, logprobs: null, finish_reason: delta.finishReason ?? null };
      return `${head}[${JSON.stringify(choice)}]${tail}`;
    },
    /** A chunk with no choices and extension fields (`sources`) that OpenAI clients ignore. */
    extension(fields: Record<string, unknown>): string {
      const extra = JSON.stringify(fields).slice(1, -1);
      return `${head}[]${includeUsage ? ',"usage":null' : ''}${extra ? `,${extra}` : ''}}\n\n`;
    },
    usage(result: ChatResult): string {
      return `${head}[],"usage":${JSON.stringify(usageOf(result))}}\n\n`;
    },
  };
}
