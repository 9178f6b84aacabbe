import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  AdminErrorBody,
  CreateNotificationTargetRequest,
  IdParams,
  NotificationDeliveryQuery,
  NotificationDeliveryView,
  NotificationTargetView,
  NotificationTestResult,
  Paged,
  StrictObject,
  UpdateNotificationTargetRequest,
} from '@ai-secretary/protocol';
import { toIso } from '../../../core/clock.js';
import type { Outbox } from '../../../core/notifications/outbox.js';
import type { TargetsService } from '../../../core/notifications/targets-service.js';
import type {
  NotificationDeliveryRecord,
  NotificationDeliveryStore,
  NotificationTargetRecord,
  TargetSettings,
} from '../../../core/notifications/types.js';

const errors = { 400: AdminErrorBody, 401: AdminErrorBody, 403: AdminErrorBody, 404: AdminErrorBody };
const tags = ['notifications'];

export interface NotificationRoutesDeps {
  targets: TargetsService;
  outbox: Outbox;
  deliveries: NotificationDeliveryStore;
}

function destination(s: TargetSettings): string {
  switch (s.kind) {
    case 'telegram':
      return `chat ${s.chatId} (bot ${s.botId})`;
    case 'email':
      return s.to.join(', ');
    case 'ntfy':
      return `${s.url}/${s.topic}`;
    case 'discord-webhook':
      return `Discord webhook ${s.urlHint}`;
  }
}

export function toTargetView(t: NotificationTargetRecord): NotificationTargetView {
  const { kind: _kind, ...settings } = t.settings;
  return {
    ...{ id: t.id, name: t.name, kind: t.kind, enabled: t.enabled, events: t.events, quietHours: t.quietHours },
    ...{ urgent: t.urgent, language: t.language, destination: destination(t.settings), settings },
    ...{ hasSecret: t.secretSealed !== null, createdAt: toIso(t.createdAt), updatedAt: toIso(t.updatedAt) },
  };
}

function toDeliveryView(d: NotificationDeliveryRecord, names: Map<string, string>): NotificationDeliveryView {
  return {
    ...{ id: d.id, targetId: d.targetId, targetName: names.get(d.targetId) ?? null, event: d.event },
    ...{ status: d.status, attempts: d.attempts, nextAttemptAt: toIso(d.nextAttemptAt), lastError: d.lastError },
    ...{ createdAt: toIso(d.createdAt), sentAt: toIso(d.sentAt) },
  };
}

/** `/api/notifications` (admins): targets, a test send, the delivery log. */
export function notificationRoutes(deps: NotificationRoutesDeps): FastifyPluginAsyncTypebox {
  const { targets, outbox } = deps;
  return async (app) => {
    app.get(
      '/targets',
      {
        config: { access: 'admin' },
        schema: { tags, response: { 200: StrictObject({ items: Type.Array(NotificationTargetView) }), ...errors } },
      },
      async () => ({ items: (await targets.list()).map(toTargetView) }),
    );

    app.post(
      '/targets',
      {
        config: { access: 'admin', audit: 'notifications.targets.create' },
        schema: { tags, body: CreateNotificationTargetRequest, response: { 201: NotificationTargetView, ...errors } },
      },
      async (request, reply) => reply.status(201).send(toTargetView(await targets.create(request.body))),
    );

    app.get(
      '/targets/:id',
      {
        config: { access: 'admin' },
        schema: { tags, params: IdParams, response: { 200: NotificationTargetView, ...errors } },
      },
      async (request) => toTargetView(await targets.get(request.params.id)),
    );

    app.patch(
      '/targets/:id',
      {
        config: { access: 'admin', audit: 'notifications.targets.update' },
        schema: {
          ...{ tags, params: IdParams, body: UpdateNotificationTargetRequest },
          response: { 200: NotificationTargetView, ...errors },
        },
      },
      async (request) => toTargetView(await targets.update(request.params.id, request.body)),
    );

    app.delete(
      '/targets/:id',
      {
        config: { access: 'admin', audit: 'notifications.targets.delete' },
        schema: { tags, params: IdParams, response: { 200: NotificationTargetView, ...errors } },
      },
      async (request) => toTargetView(await targets.remove(request.params.id)),
    );

    app.post(
      '/targets/:id/test',
      {
        config: { access: 'admin', audit: 'notifications.targets.test' },
        schema: { tags, params: IdParams, response: { 200: NotificationTestResult, ...errors } },
      },
      async (request) => outbox.test(request.params.id),
    );

    app.get(
      '/deliveries',
      {
        config: { access: 'admin' },
        schema: {
          tags,
          querystring: NotificationDeliveryQuery,
          response: { 200: Paged(NotificationDeliveryView), ...errors },
        },
      },
      async (request) => {
        const { status, limit = 50, offset = 0 } = request.query;
        const page = await deps.deliveries.list({ ...(status ? { status } : {}), limit, offset });
        const names = new Map((await targets.list()).map((t) => [t.id, t.name]));
        return { items: page.items.map((d) => toDeliveryView(d, names)), total: page.total };
      },
    );
  };
}
