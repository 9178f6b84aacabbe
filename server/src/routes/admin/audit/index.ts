import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AdminErrorBody, AuditEntryView, AuditQuery, Paged } from '@ai-secretary/protocol';
import type { AuditService } from '../../../core/audit/audit-service.js';
import { toAuditView } from '../views.js';

const errors = { 400: AdminErrorBody, 401: AdminErrorBody, 403: AdminErrorBody };
const parseTime = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));

export const auditRoutes: FastifyPluginAsyncTypebox<{ audit: AuditService }> = async (app, { audit }) => {
  app.get(
    '/',
    {
      config: { access: 'admin' },
      schema: { tags: ['audit'], querystring: AuditQuery, response: { 200: Paged(AuditEntryView), ...errors } },
    },
    async (request) => {
      const q = request.query;
      const { items, total } = await audit.list({
        limit: q.limit ?? 50,
        offset: q.offset ?? 0,
        actorId: q.actorId,
        actionPrefix: q.action,
        since: parseTime(q.since),
        until: parseTime(q.until),
      });
      return { items: items.map(toAuditView), total };
    },
  );
};
