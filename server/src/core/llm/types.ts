/**
 * The LLM vocabulary shared by the router, its providers and every channel. It mirrors the
 * OpenAI chat format (what vLLM, Gemini, DeepSeek, Kimi, OpenRouter and Anthropic's compatibility
 * layer all speak), so /v1 can pass requests through without translation.
 */
import type { FailureKind } from '../../errors.js';

export interface TextPart {
  type: 'text';
  text: string;
}

/** Non-text parts (images, audio) are passed through untouched. */
export type ContentPart = TextPart | { type: string; [key: string]: unknown };

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type ChatMessage =
  | { role: 'system' | 'developer'; content: string | ContentPart[]; name?: string }
  | { role: 'user'; content: string | ContentPart[]; name?: string }
  | { role: 'assistant'; content: string | ContentPart[] | null; name?: string; tool_calls?: ToolCall[] }
  | { role: 'tool'; content: string | ContentPart[]; tool_call_id: string };

export interface ToolDefinition {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
}

export type ToolChoice = 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };

export interface SamplingParams {
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  stop?: string | string[];
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseFormat?: Record<string, unknown>;
}

/** A streamed piece of tool call, as OpenAI sends it (arguments arrive in fragments). */
export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface ChatDelta {
  content?: string;
  role?: 'assistant';
  toolCalls?: ToolCallDelta[];
  finishReason?: FinishReason;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  /** True when the provider sent no usage and the numbers are estimates (≈ 4 characters a token). */
  estimated: boolean;
}

/** What a provider is asked to do: one upstream model, already-rendered messages. */
export interface ProviderRequest extends SamplingParams {
  model: string;
  messages: ChatMessage[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  user?: string;
}

/** One streamed upstream event: a delta, or the closing usage. */
export type ProviderEvent =
  { kind: 'delta'; delta: ChatDelta } | { kind: 'usage'; usage: Omit<TokenUsage, 'estimated'> };

/**
 * A vendor adapter. `stream` must honour `signal` (abort the upstream request) and throw
 * `ProviderFailure` for anything the router may fail over on.
 */
export interface LlmProvider {
  /**
   * The answer's events, batched as they arrived (one network read often carries several tokens);
   * never an empty batch. Ending the iteration early aborts the upstream request.
   */
  stream(request: ProviderRequest, signal: AbortSignal): AsyncIterable<ProviderEvent[]>;
  /** Lists the upstream's models (used by "test connection"). */
  listModels(signal: AbortSignal): Promise<string[]>;
}

export const PROVIDER_TYPES = [
  'vllm',
  'openai',
  'gemini',
  'anthropic',
  'deepseek',
  'kimi',
  'openrouter',
  'custom',
] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

export interface ProviderConfig {
  id: string;
  type: ProviderType;
  baseUrl: string;
  apiKey: string | null;
  timeoutMs: number;
}

export type ProviderFactory = (config: ProviderConfig) => LlmProvider;

/** Why an attempt failed: decides whether the router fails over and whether the breaker counts it. */
export class ProviderFailure extends Error {
  readonly kind: FailureKind;
  readonly status: number | undefined;

  constructor(kind: FailureKind, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'ProviderFailure';
    this.kind = kind;
    this.status = options.status;
  }

  /** Connection errors, timeouts, 429, 5xx and bad provider credentials move on to the next provider. */
  get failover(): boolean {
    return this.kind !== 'bad_request' && this.kind !== 'aborted';
  }
}
