import type { Registry } from 'prom-client';
import type { AppDeps } from './app.js';
import type { Config } from './config.js';
import type { Clock } from './core/clock.js';
import { createLlmServices, type LlmServiceDeps, type LlmServices } from './core/llm/llm-service.js';
import type { SecretBox } from './core/secrets/secret-box.js';
import type { Stores } from './db/stores/index.js';
import { createOpenAiCompatibleProvider } from './llm-providers/openai-compatible.js';
import { createPromLlmMetrics } from './llm-providers/prom-metrics.js';
import type { Logger } from './logger.js';
import { llmAdminRoutes } from './routes/admin/llm/index.js';
import { chatRoutes } from './routes/v1/chat/index.js';

export interface LlmModule {
  services: LlmServices;
  appDeps: Pick<AppDeps, 'adminExtra' | 'v1Extra' | 'modelCatalog'>;
  /** Writes buffered usage records (call before closing the database). */
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
}): Promise<LlmModule> {
  const logger = deps.logger.child({ module: 'llm' });
  const services = await createLlmServices({
    stores: deps.stores.llm,
    secrets: deps.secrets,
    factory: createOpenAiCompatibleProvider,
    metrics: createPromLlmMetrics(deps.metrics),
    clock: deps.clock,
    settings: deps.config.llm,
    onError: (err, message) => logger.warn({ err }, message),
    personaOverrides: deps.personaOverrides,
  });
  return {
    services,
    appDeps: {
      adminExtra: llmAdminRoutes(services, deps.clock),
      v1Extra: [chatRoutes(services.router)],
      modelCatalog: async () => services.router.catalog(),
    },
    close: () => services.usage.flush(),
  };
}
