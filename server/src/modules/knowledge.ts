import { newId } from '../core/ids.js';
import { createOutboundPolicy } from '../core/net/outbound-policy.js';
import { createHttpFetch } from '../llm-providers/http-fetch.js';
import { createKnowledgeService, type KnowledgeService } from '../core/knowledge/knowledge-service.js';
import { knowledgeRoutes } from '../routes/admin/knowledge/index.js';
import type { Started } from './index.js';
import type { Module, ModuleDefinition } from './module.js';

export interface KnowledgeModule extends Module {
  service: KnowledgeService;
}

/** The business's documents, cut into passages and searched by the database's full-text engine. */
export const knowledgeModule: ModuleDefinition<Started, 'knowledge'> = {
  name: 'knowledge',
  async start({ config, clock, get }) {
    const service = createKnowledgeService({
      store: get('database').stores.knowledge,
      clock,
      newId,
      minScore: config.knowledge.minScore,
    });
    await service.refresh();
    const plugin = knowledgeRoutes;
    const policy = createOutboundPolicy({ allow: config.outboundAllow });
    const options = {
      knowledge: service,
      maxUploadBytes: config.knowledge.maxUploadBytes,
      fetch: createHttpFetch({ policy, maxSockets: 4 }),
    };
    return {
      name: 'knowledge',
      service,
      routes: { api: [{ prefix: '/knowledge', plugin: async (app) => app.register(plugin, options) }] },
    };
  },
};
