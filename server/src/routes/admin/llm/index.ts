import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { LlmServices } from '../../../core/llm/llm-service.js';
import { faqRoutes } from './faq.js';
import { limitRoutes, priceRoutes } from './limits.js';
import { personaRoutes } from './personas.js';
import { providerRoutes } from './providers.js';
import { usageRoutes } from './usage.js';

/** Admin resources of the LLM module, for AppDeps.adminExtra. */
export function llmAdminRoutes(
  llm: LlmServices,
  clock: () => number,
): Array<{ prefix: string; plugin: FastifyPluginAsyncTypebox }> {
  const llmPlugin: FastifyPluginAsyncTypebox = async (app) => {
    await app.register(providerRoutes, { prefix: '/providers', registry: llm.registry, probe: llm.probe });
    await app.register(personaRoutes, { prefix: '/personas', personas: llm.personas });
    await app.register(faqRoutes, { prefix: '/faq', faq: llm.faq });
    await app.register(limitRoutes, { prefix: '/limits', usage: llm.usage });
    await app.register(priceRoutes, { prefix: '/prices', usage: llm.usage });
  };
  const usagePlugin: FastifyPluginAsyncTypebox = async (app) => {
    await app.register(usageRoutes, { usage: llm.usage, clock });
  };
  return [
    { prefix: '/llm', plugin: llmPlugin },
    { prefix: '/usage', plugin: usagePlugin },
  ];
}
