import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  AdminErrorBody,
  ApiKeyView,
  CreateApiKeyRequest,
  CreatedApiKey,
  IdParams,
  StrictObject,
} from '@ai-secretary/protocol';
import type { ApiKeysService } from '../../../core/api-keys/api-keys-service.js';
import { principalOf } from '../principal.js';
import { toApiKeyView } from '../views.js';

const errors = { 400: AdminErrorBody, 401: AdminErrorBody, 403: AdminErrorBody, 404: AdminErrorBody };
const tags = ['api-keys'];

export const apiKeyRoutes: FastifyPluginAsyncTypebox<{ apiKeys: ApiKeysService }> = async (app, { apiKeys }) => {
  app.get(
    '/',
    {
      config: { access: 'authenticated' },
      schema: { tags, response: { 200: StrictObject({ items: Type.Array(ApiKeyView) }), ...errors } },
    },
    async (request) => {
      const principal = principalOf(request);
      const items = await apiKeys.list(principal.role === 'admin' ? null : principal.userId);
      return { items: items.map(toApiKeyView) };
    },
  );

  app.post(
    '/',
    {
      config: { access: 'admin', audit: 'api_keys.create' },
      schema: { tags, body: CreateApiKeyRequest, response: { 201: CreatedApiKey, ...errors } },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { key, record } = await apiKeys.create({
        name: request.body.name,
        ownerId: request.body.ownerId ?? principal.userId,
        rateLimitPerMinute: request.body.rateLimitPerMinute,
        createdBy: principal.userId,
      });
      return reply.status(201).send({ key, apiKey: toApiKeyView(record) });
    },
  );

  app.delete(
    '/:id',
    {
      config: { access: 'admin', audit: 'api_keys.revoke' },
      schema: { tags, params: IdParams, response: { 200: ApiKeyView, ...errors } },
    },
    async (request) => toApiKeyView(await apiKeys.revoke(request.params.id)),
  );
};
