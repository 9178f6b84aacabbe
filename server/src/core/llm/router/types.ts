import type { Clock } from '../../clock.js';
import type { AttemptReport } from '../../../errors.js';
import type { FaqService } from '../faq/faq-service.js';
import type { ConversationMemory } from '../memory.js';
import type { LlmMetrics } from '../metrics.js';
import type { PersonasService } from '../personas.js';
import type { ProviderHandle, ProviderRegistry } from '../provider-registry.js';
import type { ChatMessage, ProviderRequest, SamplingParams, ToolChoice, ToolDefinition } from '../types.js';
import type { UsageService } from '../usage.js';

/** What any channel asks the router for. */
export interface ChatRequest {
  /** A persona slug (`secretary`), `auto`, an upstream model name, or `<provider name>/<model>`. */
  route: string;
  messages: ChatMessage[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  /** Overrides the persona's sampling defaults. */
  sampling?: SamplingParams;
  /** `v1`, `telegram`, `gsm`, `widget`, … (usage, limits, metrics). */
  channel: string;
  instanceId?: string | null;
  userId?: string | null;
  apiKeyId?: string | null;
  /**
   * When a reached limit downgrades, only these models (`<model>` or `<provider name>/<model>`) may be
   * used, cheaper first-choice ones only (a Discord server's allowed routes). Unset: any cheaper priced model.
   */
  fallbackModels?: string[];
  /** Enables conversation memory under this key, e.g. `telegram:<bot>:<chat>`. */
  sessionKey?: string | null;
  /** End-user id passed to the provider (OpenAI's `user`). */
  user?: string;
  /** FAQ instant answers for persona routes (default true). */
  faq?: boolean;
  /**
   * The channel's own system instructions (the voice engine's call rules): merged with the persona
   * prompt into ONE system message, persona first. Without a persona they are the system message.
   */
  instructions?: string;
  /**
   * How long each provider attempt may wait for its first real token (a keep-alive or an empty role
   * chunk does not count): past it the attempt is cancelled, counted as a `timeout`, and the router
   * tries the next provider. Unset: only the provider's own timeout applies.
   */
  firstTokenTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface RouterDeps {
  registry: ProviderRegistry;
  personas: PersonasService;
  faq: FaqService;
  usage: UsageService;
  memory: ConversationMemory;
  metrics: LlmMetrics;
  clock: Clock;
  onError: (error: unknown, context: string) => void;
}

/** One provider and the model to ask it for. */
export interface Candidate {
  handle: ProviderHandle;
  model: string;
}

/** A request resolved to its persona, its providers in order, and the upstream request body. */
export interface Plan {
  route: string;
  persona: ReturnType<PersonasService['find']>;
  candidates: Candidate[];
  request: Omit<ProviderRequest, 'model'>;
}

/** One chat call on its way through the router. */
export interface ChatCall {
  req: ChatRequest;
  plan: Plan;
  /** Every provider tried so far, in order (empty for FAQ answers). */
  attempts: AttemptReport[];
  /** `performance.now()` when the request arrived. */
  startedAt: number;
}

/** The identity every stream and its result carry. */
export interface StreamMeta {
  id: string;
  route: string;
  provider: string;
  model: string;
  source: 'llm' | 'faq';
  created: number;
}
