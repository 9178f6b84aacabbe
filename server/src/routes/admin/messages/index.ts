import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AdminErrorBody, IdParams, MessageListQuery, Paged, TakenMessageView } from '@ai-secretary/protocol';
import type { MessagesService } from '../../../core/messages/messages-service.js';
import { principalOf } from '../principal.js';
import { toMessageView } from './views.js';

const errors = { 400: AdminErrorBody, 401: AdminErrorBody, 403: AdminErrorBody, 404: AdminErrorBody };
const tags = ['messages'];

/** Messages callers left with the secretary: list, mark handled. */
export const messageRoutes: FastifyPluginAsyncTypebox<{ messages: MessagesService }> = async (app, { messages }) => {
  app.get(
    '/',
    {
      config: { access: 'authenticated' },
      schema: { tags, querystring: MessageListQuery, response: { 200: Paged(TakenMessageView), ...errors } },
    },
    async (request) => {
      const { handled, limit = 50, offset = 0 } = request.query;
      const page = await messages.list({ handled, limit, offset });
      return { items: page.items.map(toMessageView), total: page.total };
    },
  );

  app.post(
    '/:id/handled',
    {
      config: { access: 'user', audit: 'messages.handle' },
      schema: { tags, params: IdParams, response: { 200: TakenMessageView, ...errors } },
    },
    async (request) => toMessageView(await messages.markHandled(request.params.id, principalOf(request).userId)),
  );
};
