import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AdminErrorBody,
  ContactEraseView,
  ContactExportView,
  ContactParams,
  RetentionRunView,
  RetentionSettingsView,
} from '@ai-secretary/protocol';
import type { AuditService } from '../../../core/audit/audit-service.js';
import { parseContact } from '../../../core/privacy/contact.js';
import type { PrivacyService } from '../../../core/privacy/privacy-service.js';
import { principalOf } from '../principal.js';

const errors = { 400: AdminErrorBody, 401: AdminErrorBody, 403: AdminErrorBody };
const tags = ['privacy'];

/**
 * Retention settings and runs, and one contact's data exported or erased (admin only; every call audited, an
 * export too, since it hands out personal data). The contact's id is never written to the audit log.
 */
export const privacyRoutes: FastifyPluginAsyncTypebox<{ privacy: PrivacyService; audit: AuditService }> = async (
  app,
  { privacy, audit },
) => {
  app.get(
    '/retention',
    { config: { access: 'admin' }, schema: { tags, response: { 200: RetentionSettingsView, ...errors } } },
    async () => privacy.retention(),
  );

  app.put(
    '/retention',
    {
      config: { access: 'admin', audit: 'privacy.retention.update' },
      schema: { tags, body: RetentionSettingsView, response: { 200: RetentionSettingsView, ...errors } },
    },
    async (request) => privacy.setRetention(request.body),
  );

  app.post(
    '/retention/run',
    {
      config: { access: 'admin', audit: 'privacy.retention.run' },
      schema: { tags, response: { 200: RetentionRunView, ...errors } },
    },
    async () => privacy.runRetention(),
  );

  app.get(
    '/contacts/:kind/:id/export',
    {
      config: { access: 'admin' },
      schema: { tags, params: ContactParams, response: { 200: ContactExportView, ...errors } },
    },
    async (request, reply) => {
      const contact = parseContact(request.params.kind, request.params.id);
      const data = await privacy.exportContact(contact);
      const { userId, username } = principalOf(request);
      // a GET, so the write hook does not see it; the export is personal data, so it is recorded here
      await audit.record({
        action: 'privacy.contact.export',
        actor: { id: userId, username },
        target: contact.kind,
        ip: request.ip,
        statusCode: 200,
        details: { sources: Object.keys(data.sources), files: data.files.length },
      });
      return reply.header('content-disposition', `attachment; filename="contact-${contact.kind}.json"`).send(data);
    },
  );

  app.delete(
    '/contacts/:kind/:id',
    {
      // the target is the kind: the id is the personal data being erased
      config: { access: 'admin', audit: 'privacy.contact.erase', auditTarget: 'kind' },
      schema: { tags, params: ContactParams, response: { 200: ContactEraseView, ...errors } },
    },
    async (request) => privacy.eraseContact(parseContact(request.params.kind, request.params.id)),
  );
};
