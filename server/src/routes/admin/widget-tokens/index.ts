import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  AdminErrorBody,
  CreateWidgetTokenRequest,
  CreatedWidgetToken,
  IdParams,
  StrictObject,
  UpdateWidgetTokenRequest,
  WidgetTokenView,
} from '@ai-secretary/protocol';
import { DEFAULT_APPEARANCE, type WidgetTokenRecord } from '../../../core/widget-tokens/types.js';
import type { WidgetTokensService } from '../../../core/widget-tokens/widget-tokens-service.js';
import { principalOf } from '../principal.js';
import { toIso } from '../../../core/clock.js';

const errors = { 400: AdminErrorBody, 401: AdminErrorBody, 403: AdminErrorBody, 404: AdminErrorBody };
const tags = ['widget-tokens'];

export function toWidgetTokenView(token: WidgetTokenRecord, openSessions: number): WidgetTokenView {
  return {
    id: token.id,
    name: token.name,
    prefix: token.prefix,
    allowedOrigins: token.allowedOrigins,
    route: token.route,
    maxConcurrentSessions: token.maxConcurrentSessions,
    appearance: { ...DEFAULT_APPEARANCE, ...token.appearance },
    openSessions,
    createdAt: toIso(token.createdAt),
    lastUsedAt: toIso(token.lastUsedAt),
    revokedAt: toIso(token.revokedAt),
  };
}

/** /api/widget-tokens: website widget tokens for GET /ws/voice and /api/widget/* (admins only). */
export const widgetTokenRoutes: FastifyPluginAsyncTypebox<{ widgetTokens: WidgetTokensService }> = async (
  app,
  { widgetTokens },
) => {
  app.get(
    '/',
    {
      config: { access: 'admin' },
      schema: { tags, response: { 200: StrictObject({ items: Type.Array(WidgetTokenView) }), ...errors } },
    },
    async () => ({
      items: (await widgetTokens.list()).map((token) => toWidgetTokenView(token, widgetTokens.openSessions(token.id))),
    }),
  );

  app.post(
    '/',
    {
      config: { access: 'admin', audit: 'widget_tokens.create' },
      schema: { tags, body: CreateWidgetTokenRequest, response: { 201: CreatedWidgetToken, ...errors } },
    },
    async (request, reply) => {
      const { token, record } = await widgetTokens.create({
        ...request.body,
        createdBy: principalOf(request).userId,
      });
      return reply.status(201).send({ token, widgetToken: toWidgetTokenView(record, 0) });
    },
  );

  app.patch(
    '/:id',
    {
      config: { access: 'admin', audit: 'widget_tokens.update' },
      schema: { tags, params: IdParams, body: UpdateWidgetTokenRequest, response: { 200: WidgetTokenView, ...errors } },
    },
    async (request) => {
      const record = await widgetTokens.update(request.params.id, request.body);
      return toWidgetTokenView(record, widgetTokens.openSessions(record.id));
    },
  );

  app.delete(
    '/:id',
    {
      config: { access: 'admin', audit: 'widget_tokens.revoke' },
      schema: { tags, params: IdParams, response: { 200: WidgetTokenView, ...errors } },
    },
    async (request) => {
      const record = await widgetTokens.revoke(request.params.id);
      return toWidgetTokenView(record, widgetTokens.openSessions(record.id));
    },
  );
};
