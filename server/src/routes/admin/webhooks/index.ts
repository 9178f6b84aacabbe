import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  AdminErrorBody,
  CreateWebhookRequest,
  CreatedWebhook,
  IdParams,
  StrictObject,
  WebhookView,
} from '@ai-secretary/protocol';
import type { MessagesService } from '../../../core/messages/messages-service.js';
import { principalOf } from '../principal.js';
import { toWebhookView } from '../messages/views.js';

const errors = { 400: AdminErrorBody, 401: AdminErrorBody, 403: AdminErrorBody, 404: AdminErrorBody };
const tags = ['webhooks'];

/** Outgoing webhooks (signed with HMAC-SHA256) that announce taken messages; admins only. */
export const webhookRoutes: FastifyPluginAsyncTypebox<{ messages: MessagesService }> = async (app, { messages }) => {
  app.get(
    '/',
    {
      config: { access: 'admin' },
      schema: { tags, response: { 200: StrictObject({ items: Type.Array(WebhookView) }), ...errors } },
    },
    async () => ({ items: (await messages.webhooks()).map(toWebhookView) }),
  );

  app.post(
    '/',
    {
      config: { access: 'admin', audit: 'webhooks.create' },
      schema: { tags, body: CreateWebhookRequest, response: { 201: CreatedWebhook, ...errors } },
    },
    async (request, reply) => {
      const { record, secret } = await messages.createWebhook({
        ...request.body,
        createdBy: principalOf(request).userId,
      });
      return reply.status(201).send({ webhook: toWebhookView(record), secret });
    },
  );

  app.delete(
    '/:id',
    {
      config: { access: 'admin', audit: 'webhooks.delete' },
      schema: { tags, params: IdParams, response: { 200: WebhookView, ...errors } },
    },
    async (request) => toWebhookView(await messages.removeWebhook(request.params.id)),
  );
};
