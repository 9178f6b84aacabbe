import type { Registry } from 'prom-client';
import type { Config } from '../config.js';
import type { Clock } from '../core/clock.js';
import { createOutboundPolicy } from '../core/net/outbound-policy.js';
import { createLlmServices, type LlmServiceDeps, type LlmServices } from '../core/llm/llm-service.js';
import type { SecretBox } from '../core/secrets/secret-box.js';
import type { Stores } from '../db/stores/index.js';
import type { KnowledgeService } from '../core/knowledge/knowledge-service.js';
import { createKnowledgeTurns, searchKnowledgeTool } from '../core/knowledge/knowledge-turn.js';
import type { HttpToolsService } from '../core/http-tools/http-tools-service.js';
import { httpLoopTools } from '../core/http-tools/loop-tools.js';
import { createOpenAiCompatibleProvider } from '../llm-providers/openai-compatible.js';
import { createPromLlmMetrics } from '../llm-providers/prom-metrics.js';
import type { Logger } from '../logger.js';
import { llmAdminRoutes } from '../routes/admin/llm/index.js';
import { chatRoutes } from '../routes/v1/chat/index.js';
import { modelsRoutes } from '../routes/v1/models.js';
import type { Started } from './index.js';
import type { Module, ModuleDefinition } from './module.js';

export interface LlmModule extends Module {
  services: LlmServices;
  /** Writes buffered usage records (before the database closes: modules close in reverse order). */
  close(): Promise<void>;
}

/** Composition of the LLM router: vendor adapters, Prometheus metrics, admin and /v1 routes. */
export async function createLlmModule(deps: {
  config: Config;
  stores: Stores;
  secrets: SecretBox;
  metrics: Registry;
  logger: Logger;
  clock: Clock;
  personaOverrides?: LlmServiceDeps['personaOverrides'];
  knowledge?: KnowledgeService | undefined;
  /** The owner's HTTP tools, offered on persona routes. */
  httpTools?: HttpToolsService | undefined;
}): Promise<LlmModule> {
  const logger = deps.logger.child({ module: 'llm' });
  const outbound = createOutboundPolicy({ allow: deps.config.outboundAllow });
  const services = await createLlmServices({
    stores: deps.stores.llm,
    secrets: deps.secrets,
    factory: (provider) => createOpenAiCompatibleProvider(provider, { policy: outbound }),
    outbound,
    metrics: createPromLlmMetrics(deps.metrics),
    clock: deps.clock,
    settings: deps.config.llm,
    onError: (err, message) => logger.warn({ err }, message),
    personaOverrides: deps.personaOverrides,
  });
  services.probe.start();
  const knowledge = deps.knowledge && knowledgeTurns(deps.config, deps.knowledge, services, deps.httpTools);
  return {
    name: 'llm',
    services,
    readiness: [{ name: 'llm', check: async () => llmReadiness(services) }],
    routes: {
      api: llmAdminRoutes(services, deps.clock),
      v1: [
        modelsRoutes(async () => services.router.catalog()),
        chatRoutes(services.router, { firstTokenTimeoutMs: deps.config.llm.firstTokenTimeoutMs, knowledge }),
      ],
    },
    close: () => {
      services.probe.stop();
      return services.usage.flush();
    },
  };
}

/** `search_knowledge` in the tool registry, and the persona routes' knowledge turns (KNOWLEDGE_MODE). */
function knowledgeTurns(
  config: Config,
  knowledge: KnowledgeService,
  services: LlmServices,
  httpTools: HttpToolsService | undefined,
) {
  const tokenBudget = config.knowledge.toolTokenBudget;
  const tool = searchKnowledgeTool({ knowledge, tokenBudget });
  services.tools.register({ definition: tool.definition, run: (args, context) => tool.run(args, context.signal) });
  return createKnowledgeTurns({
    knowledge,
    tokenBudget,
    mode: (route) => config.knowledge.modeByPersona[route] ?? config.knowledge.mode,
    isPersona: (route) => services.personas.find(route) !== null,
    ...(httpTools
      ? { extraTools: (request) => httpLoopTools(httpTools, { channel: 'v1', route: request.route }) }
      : {}),
  });
}

/** Calls are still answered without a model (degraded mode), so an unreachable LLM degrades; it is not "not ready". */
function llmReadiness(services: LlmServices) {
  const { degraded, detail } = services.probe.reachability();
  return { ok: true, degraded, detail };
}

/** The LLM router with its providers, personas, FAQ, usage and limits; `/api/llm/*`, `/v1/models`, `/v1/chat`. */
export const llmModule: ModuleDefinition<Started, 'llm'> = {
  name: 'llm',
  start: ({ config, logger, clock, metrics, get }) => {
    const { stores } = get('database');
    const { secrets } = get('accounts').services;
    return createLlmModule({
      config,
      stores,
      secrets,
      metrics,
      logger,
      clock,
      personaOverrides: get('settings').personaOverrides,
      knowledge: get('knowledge').service,
      httpTools: get('tools').service,
    });
  },
};
