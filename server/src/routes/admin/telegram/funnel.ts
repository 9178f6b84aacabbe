import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AdminErrorBody,
  FunnelAnalytics,
  FunnelAnalyticsQuery,
  FunnelPreviewRequest,
  FunnelPreviewResponse,
  IdParams,
  SaveFunnelRequest,
  TelegramFunnelView,
} from '@ai-secretary/protocol';
import { toIso } from '../../../core/clock.js';
import { funnelAnalytics } from '../../../core/telegram/funnel/analytics.js';
import type { TelegramFunnelService } from '../../../core/telegram/funnel/funnel-service.js';
import type { TelegramBotsService } from '../../../core/telegram/bots-service.js';
import type { TelegramEventStore } from '../../../core/telegram/types.js';
import { ValidationError } from '../../../errors.js';

const errors = {
  400: AdminErrorBody,
  401: AdminErrorBody,
  403: AdminErrorBody,
  404: AdminErrorBody,
  409: AdminErrorBody,
};
const tags = ['telegram'];
const DAY_MS = 86_400_000;

export interface TelegramFunnelRoutesDeps {
  bots: Pick<TelegramBotsService, 'get'>;
  funnel: TelegramFunnelService;
  events: TelegramEventStore;
  clock: () => number;
}

async function viewOf(funnel: TelegramFunnelService, botId: string): Promise<TelegramFunnelView> {
  const { latest, published } = await funnel.get(botId);
  const draft = latest && latest.publishedAt === null ? latest : null;
  return {
    botId,
    draft: draft ? { version: draft.version, definition: draft.definition } : null,
    published: published
      ? { version: published.version, definition: published.definition, publishedAt: toIso(published.publishedAt!) }
      : null,
  };
}

function windowOf(query: FunnelAnalyticsQuery, now: number): { sinceMs: number; untilMs: number } {
  const untilMs = query.until ? Date.parse(query.until) : now + 1;
  const sinceMs = query.since ? Date.parse(query.since) : untilMs - 30 * DAY_MS;
  if (!(sinceMs < untilMs)) throw new ValidationError('"since" must be before "until"');
  return { sinceMs, untilMs };
}

/** `/api/telegram/bots/:id/funnel…` (admins): the funnel's draft and published version, preview, analytics. */
export function telegramFunnelRoutes(deps: TelegramFunnelRoutesDeps): FastifyPluginAsyncTypebox {
  const { bots, funnel } = deps;
  return async (app) => {
    app.get(
      '/bots/:id/funnel',
      {
        config: { access: 'admin' },
        schema: { tags, params: IdParams, response: { 200: TelegramFunnelView, ...errors } },
      },
      async (request) => viewOf(funnel, (await bots.get(request.params.id)).id),
    );

    app.put(
      '/bots/:id/funnel',
      {
        config: { access: 'admin', audit: 'telegram.funnel.save' },
        schema: { tags, params: IdParams, body: SaveFunnelRequest, response: { 200: TelegramFunnelView, ...errors } },
      },
      async (request) => {
        const bot = await bots.get(request.params.id);
        await funnel.saveDraft(bot.id, request.body.definition);
        return viewOf(funnel, bot.id);
      },
    );

    app.post(
      '/bots/:id/funnel/publish',
      {
        config: { access: 'admin', audit: 'telegram.funnel.publish' },
        schema: { tags, params: IdParams, response: { 200: TelegramFunnelView, ...errors } },
      },
      async (request) => {
        const bot = await bots.get(request.params.id);
        await funnel.publish(bot.id);
        return viewOf(funnel, bot.id);
      },
    );

    app.post(
      '/bots/:id/funnel/preview',
      {
        config: { access: 'admin', audit: false },
        schema: {
          tags,
          params: IdParams,
          body: FunnelPreviewRequest,
          response: { 200: FunnelPreviewResponse, ...errors },
        },
      },
      async (request) => funnel.preview((await bots.get(request.params.id)).id, request.body),
    );

    app.get(
      '/bots/:id/funnel/analytics',
      {
        config: { access: 'admin' },
        schema: {
          tags,
          params: IdParams,
          querystring: FunnelAnalyticsQuery,
          response: { 200: FunnelAnalytics, ...errors },
        },
      },
      async (request) => {
        const bot = await bots.get(request.params.id);
        const window = windowOf(request.query, deps.clock());
        const events = await deps.events.list(bot.id, window);
        return funnelAnalytics(bot.id, events, window);
      },
    );
  };
}
