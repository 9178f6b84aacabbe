import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  AdminErrorBody,
  BroadcastTestResult,
  BroadcastView,
  CreateBroadcastRequest,
  CreateFollowupRuleRequest,
  FollowupRuleView,
  IdParams,
  StrictObject,
  UpdateBroadcastRequest,
  UpdateFollowupRuleRequest,
} from '@ai-secretary/protocol';
import { toIso } from '../../../core/clock.js';
import type { BroadcastsService } from '../../../core/telegram/outreach/broadcasts-service.js';
import type { FollowupsService } from '../../../core/telegram/outreach/followups-service.js';
import type { BroadcastRecord, FollowupRuleRecord } from '../../../core/telegram/outreach/types.js';

const errors = {
  400: AdminErrorBody,
  401: AdminErrorBody,
  403: AdminErrorBody,
  404: AdminErrorBody,
  409: AdminErrorBody,
};
const tags = ['telegram'];
const ItemParams = StrictObject({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  itemId: Type.String({ minLength: 1, maxLength: 64 }),
});

export interface OutreachRoutesDeps {
  followups: FollowupsService;
  broadcasts: BroadcastsService;
}

function ruleView(rule: FollowupRuleRecord, stats = { sent: 0, answered: 0 }): FollowupRuleView {
  const { id, name, step, segment, afterHours, text, buttonText, maxTimes, enabled } = rule;
  return {
    ...{ id, name, step, segment, afterHours, text, buttonText, maxTimes, enabled, ...stats },
    ...{ createdAt: toIso(rule.createdAt), updatedAt: toIso(rule.updatedAt) },
  };
}

async function broadcastView(service: BroadcastsService, b: BroadcastRecord): Promise<BroadcastView> {
  const counts = await service.progress(b.id);
  const total = counts.pending + counts.sending + counts.sent + counts.unconfirmed + counts.blocked + counts.failed;
  const audience = b.status === 'draft' ? await service.audience(b.botId, b.id) : total;
  return {
    ...{ id: b.id, text: b.text, buttonText: b.buttonText, buttonUrl: b.buttonUrl, segment: b.segment },
    ...{ status: b.status, audience, progress: { total, ...counts }, testedAt: toIso(b.testedAt) },
    ...{ createdAt: toIso(b.createdAt), startedAt: toIso(b.startedAt), finishedAt: toIso(b.finishedAt) },
  };
}

/** `/api/telegram/bots/:id/followups` and `/broadcasts` (admins): follow-up rules, broadcasts, their progress. */
export function telegramOutreachRoutes(deps: OutreachRoutesDeps): FastifyPluginAsyncTypebox {
  const { followups, broadcasts } = deps;
  const bview = (b: BroadcastRecord) => broadcastView(broadcasts, b);
  return async (app) => {
    app.get(
      '/bots/:id/followups',
      {
        config: { access: 'admin' },
        schema: {
          tags,
          params: IdParams,
          response: { 200: StrictObject({ items: Type.Array(FollowupRuleView) }), ...errors },
        },
      },
      async (request) => {
        const stats = await followups.stats(request.params.id);
        const rules = await followups.list(request.params.id);
        return { items: rules.map((r) => ruleView(r, stats.get(r.id))) };
      },
    );

    app.post(
      '/bots/:id/followups',
      {
        config: { access: 'admin', audit: 'telegram.followups.create' },
        schema: {
          tags,
          params: IdParams,
          body: CreateFollowupRuleRequest,
          response: { 201: FollowupRuleView, ...errors },
        },
      },
      async (request, reply) =>
        reply.status(201).send(ruleView(await followups.create(request.params.id, request.body))),
    );

    app.patch(
      '/bots/:id/followups/:itemId',
      {
        config: { access: 'admin', audit: 'telegram.followups.update' },
        schema: {
          tags,
          params: ItemParams,
          body: UpdateFollowupRuleRequest,
          response: { 200: FollowupRuleView, ...errors },
        },
      },
      async (request) => {
        const { id, itemId } = request.params;
        const rule = await followups.update(id, itemId, request.body);
        return ruleView(rule, (await followups.stats(id)).get(rule.id));
      },
    );

    app.delete(
      '/bots/:id/followups/:itemId',
      {
        config: { access: 'admin', audit: 'telegram.followups.delete' },
        schema: { tags, params: ItemParams, response: { 200: FollowupRuleView, ...errors } },
      },
      async (request) => ruleView(await followups.remove(request.params.id, request.params.itemId)),
    );

    app.get(
      '/bots/:id/broadcasts',
      {
        config: { access: 'admin' },
        schema: {
          tags,
          params: IdParams,
          response: { 200: StrictObject({ items: Type.Array(BroadcastView) }), ...errors },
        },
      },
      async (request) => ({ items: await Promise.all((await broadcasts.list(request.params.id)).map(bview)) }),
    );

    app.post(
      '/bots/:id/broadcasts',
      {
        config: { access: 'admin', audit: 'telegram.broadcasts.create' },
        schema: { tags, params: IdParams, body: CreateBroadcastRequest, response: { 201: BroadcastView, ...errors } },
      },
      async (request, reply) =>
        reply.status(201).send(await bview(await broadcasts.create(request.params.id, request.body))),
    );

    app.get(
      '/bots/:id/broadcasts/:itemId',
      {
        config: { access: 'admin' },
        schema: { tags, params: ItemParams, response: { 200: BroadcastView, ...errors } },
      },
      async (request) => bview(await broadcasts.get(request.params.id, request.params.itemId)),
    );

    app.patch(
      '/bots/:id/broadcasts/:itemId',
      {
        config: { access: 'admin', audit: 'telegram.broadcasts.update' },
        schema: { tags, params: ItemParams, body: UpdateBroadcastRequest, response: { 200: BroadcastView, ...errors } },
      },
      async (request) => bview(await broadcasts.update(request.params.id, request.params.itemId, request.body)),
    );

    app.delete(
      '/bots/:id/broadcasts/:itemId',
      {
        config: { access: 'admin', audit: 'telegram.broadcasts.delete' },
        schema: { tags, params: ItemParams, response: { 200: StrictObject({ id: Type.String() }), ...errors } },
      },
      async (request) => ({ id: (await broadcasts.remove(request.params.id, request.params.itemId)).id }),
    );

    app.post(
      '/bots/:id/broadcasts/:itemId/test',
      {
        config: { access: 'admin', audit: 'telegram.broadcasts.test' },
        schema: { tags, params: ItemParams, response: { 200: BroadcastTestResult, ...errors } },
      },
      async (request) => ({ items: await broadcasts.test(request.params.id, request.params.itemId) }),
    );

    for (const action of ['start', 'cancel'] as const)
      app.post(
        `/bots/:id/broadcasts/:itemId/${action}`,
        {
          config: { access: 'admin', audit: `telegram.broadcasts.${action}` },
          schema: { tags, params: ItemParams, response: { 200: BroadcastView, ...errors } },
        },
        async (request) => bview(await broadcasts[action](request.params.id, request.params.itemId)),
      );
  };
}
