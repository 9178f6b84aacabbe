import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AdminErrorBody,
  ConversationDetail,
  ConversationView,
  IdParams,
  Paged,
  Pagination,
  StrictObject,
} from '@ai-secretary/protocol';
import type { MessagesService } from '../../../core/messages/messages-service.js';
import { toConversationView, toTurnView } from '../messages/views.js';

const errors = { 400: AdminErrorBody, 401: AdminErrorBody, 403: AdminErrorBody, 404: AdminErrorBody };
const tags = ['conversations'];

/** Calls with their turns, transcripts, tool calls and per-turn latency metrics. */
export const conversationRoutes: FastifyPluginAsyncTypebox<{ messages: MessagesService }> = async (
  app,
  { messages },
) => {
  app.get(
    '/',
    {
      config: { access: 'authenticated' },
      schema: { tags, querystring: StrictObject(Pagination), response: { 200: Paged(ConversationView), ...errors } },
    },
    async (request) => {
      const page = await messages.conversations(request.query.limit ?? 50, request.query.offset ?? 0);
      return { items: page.items.map(toConversationView), total: page.total };
    },
  );

  app.get(
    '/:id',
    {
      config: { access: 'authenticated' },
      schema: { tags, params: IdParams, response: { 200: ConversationDetail, ...errors } },
    },
    async (request) => {
      const { conversation, turns } = await messages.conversation(request.params.id);
      return { conversation: toConversationView(conversation), turns: turns.map(toTurnView) };
    },
  );
};
