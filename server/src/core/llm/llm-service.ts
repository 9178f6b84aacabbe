import type { OutboundPolicy } from '../net/outbound-policy.js';
import type { Clock } from '../clock.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { createFaqService } from './faq/faq-service.js';
import { createConversationMemory } from './memory.js';
import type { LlmMetrics } from './metrics.js';
import { createPersonasService, type PersonaVariableOverrides } from './personas.js';
import { createProviderProbe } from './provider-probe.js';
import { bootstrapProvider, createProviderRegistry } from './provider-registry.js';
import type {
  ConversationStore,
  FaqStore,
  LimitStore,
  PersonaStore,
  PriceStore,
  ProviderStore,
  UsageStore,
} from './records.js';
import { createLlmRouter } from './router.js';
import { createToolRegistry } from './tools.js';
import type { ProviderFactory } from './types.js';
import { createUsageService } from './usage.js';

export interface LlmStores {
  providers: ProviderStore;
  personas: PersonaStore;
  faq: FaqStore;
  usage: UsageStore;
  limits: LimitStore;
  prices: PriceStore;
  conversations: ConversationStore;
}

export interface LlmSettings {
  baseUrl: string;
  apiKey: string | undefined;
  model: string;
  timeoutMs: number;
  maxConcurrency: number;
  breakerFailures: number;
  breakerCooldownMs: number;
  memoryTokenBudget: number;
  faqThreshold: number;
  /** How often every enabled provider's `/models` is asked for (dashboard, `/ready`), and how long it may take. */
  probeIntervalMs: number;
  probeTimeoutMs: number;
}

export interface LlmServiceDeps {
  stores: LlmStores;
  secrets: SecretBox;
  factory: ProviderFactory;
  /** Checks the base URLs admins give providers (refused: loopback, private, link-local, non-http). */
  outbound?: OutboundPolicy;
  metrics: LlmMetrics;
  clock: Clock;
  settings: LlmSettings;
  onError: (error: unknown, context: string) => void;
  /** Business settings that override persona variables (read on every request). */
  personaOverrides?: () => PersonaVariableOverrides;
}

/** Builds and loads every LLM service; the router is what channels call. */
export async function createLlmServices(deps: LlmServiceDeps) {
  const { stores, clock, settings } = deps;
  const onError = (error: unknown) => deps.onError(error, 'llm background write failed');
  const registry = createProviderRegistry({
    store: stores.providers,
    secrets: deps.secrets,
    factory: deps.factory,
    outbound: deps.outbound,
    clock,
    defaults: settings,
  });
  const personas = createPersonasService({ store: stores.personas, clock, overrides: deps.personaOverrides });
  const faq = createFaqService({ store: stores.faq, clock, threshold: settings.faqThreshold, onError });
  const usage = createUsageService({
    usage: stores.usage,
    prices: stores.prices,
    limits: stores.limits,
    clock,
    onError,
  });
  const memory = createConversationMemory({
    store: stores.conversations,
    clock,
    tokenBudget: settings.memoryTokenBudget,
  });
  await Promise.all([registry.reload(), personas.reload(), faq.reload(), usage.reload()]);
  await bootstrapProvider(registry, settings);
  await personas.seedDefaults();
  const router = createLlmRouter({
    registry,
    personas,
    faq,
    usage,
    memory,
    metrics: deps.metrics,
    clock,
    onError: deps.onError,
  });
  const probe = createProviderProbe({
    registry,
    clock,
    intervalMs: settings.probeIntervalMs,
    timeoutMs: settings.probeTimeoutMs,
  });
  return { registry, personas, faq, usage, memory, router, probe, tools: createToolRegistry() };
}

export type LlmServices = Awaited<ReturnType<typeof createLlmServices>>;
