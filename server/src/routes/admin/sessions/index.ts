import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AdminErrorBody, IdParams, SessionView, StrictObject } from '@ai-secretary/protocol';
import type { SessionsService } from '../../../core/auth/sessions-service.js';
import { principalOf } from '../principal.js';
import { toSessionView } from '../views.js';

const errors = { 400: AdminErrorBody, 401: AdminErrorBody, 403: AdminErrorBody, 404: AdminErrorBody };
const tags = ['sessions'];
const Query = StrictObject({
  userId: Type.Optional(Type.String({ maxLength: 64, description: 'Admins: a user id; omit for everyone' })),
});

export const sessionRoutes: FastifyPluginAsyncTypebox<{ sessions: SessionsService }> = async (app, { sessions }) => {
  app.get(
    '/',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        querystring: Query,
        response: { 200: StrictObject({ items: Type.Array(SessionView) }), ...errors },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const items = await sessions.list(principal, request.query.userId ?? null);
      return { items: items.map((s) => toSessionView(s, principal.sessionId)) };
    },
  );

  app.delete(
    '/:id',
    {
      config: { access: 'authenticated', audit: 'sessions.revoke', guestMayWrite: true },
      schema: { tags, params: IdParams, response: { 200: SessionView, ...errors } },
    },
    async (request) => {
      const principal = principalOf(request);
      return toSessionView(await sessions.revoke(principal, request.params.id), principal.sessionId);
    },
  );
};
