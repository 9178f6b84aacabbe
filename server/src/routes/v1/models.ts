import { Type } from 'typebox';
import type { Principal } from '../../core/auth/types.js';
import { principalOf } from '../admin/principal.js';
import type { V1Plugin } from './index.js';

export interface ModelEntry {
  id: string;
  ownedBy: string;
  created: number;
}

export type ModelCatalog = (principal: Principal) => Promise<ModelEntry[]>;

const Model = Type.Object({
  id: Type.String(),
  object: Type.Literal('model'),
  created: Type.Integer(),
  owned_by: Type.String(),
});

/** `GET /v1/models`: what the caller's key may use; the catalog comes from the LLM router. */
export function modelsRoutes(catalog: ModelCatalog): V1Plugin {
  return async (app) => {
    app.get(
      '/models',
      {
        config: { access: 'api' },
        schema: {
          tags: ['v1'],
          response: { 200: Type.Object({ object: Type.Literal('list'), data: Type.Array(Model) }) },
        },
      },
      async (request) => {
        const models = await catalog(principalOf(request));
        return {
          object: 'list' as const,
          data: models.map((m) => ({ id: m.id, object: 'model' as const, created: m.created, owned_by: m.ownedBy })),
        };
      },
    );
  };
}
