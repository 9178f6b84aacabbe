import fs from 'node:fs';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AdminErrorBody, BackupListItem, BackupNameParams, CreatedBackup, StrictObject } from '@ai-secretary/protocol';
import type { BackupService } from '../../../backup/backup-service.js';
import type { AuditService } from '../../../core/audit/audit-service.js';
import { principalOf } from '../principal.js';

const errors = { 400: AdminErrorBody, 401: AdminErrorBody, 403: AdminErrorBody, 404: AdminErrorBody };
const tags = ['backups'];

/**
 * Backups of the running server (admin only, audited). There is no restore route: a restore replaces
 * every row and the key files under a live server, so it is done offline with `npm run manage -- restore`.
 */
export const backupRoutes: FastifyPluginAsyncTypebox<{ backups: BackupService; audit: AuditService }> = async (
  app,
  { backups, audit },
) => {
  app.get(
    '/',
    {
      config: { access: 'admin' },
      schema: { tags, response: { 200: StrictObject({ items: Type.Array(BackupListItem) }), ...errors } },
    },
    async () => ({ items: backups.list() }),
  );

  app.post(
    '/',
    {
      config: { access: 'admin', audit: 'backups.create' },
      schema: { tags, response: { 201: CreatedBackup, ...errors } },
    },
    async (_request, reply) => {
      const { name, size, manifest } = await backups.create();
      return reply.status(201).send({ name, size, manifest });
    },
  );

  app.get(
    '/:name',
    { config: { access: 'admin' }, schema: { tags, params: BackupNameParams } },
    async (request, reply) => {
      const file = backups.file(request.params.name);
      const { userId, username } = principalOf(request);
      // a GET, so the write hook does not see it; the archive holds every secret, so it is recorded here
      await audit.record({
        action: 'backups.download',
        actor: { id: userId, username },
        target: request.params.name,
        ip: request.ip,
        statusCode: 200,
        details: null,
      });
      return reply
        .type('application/gzip')
        .header('content-disposition', `attachment; filename="${request.params.name}"`)
        .send(fs.createReadStream(file));
    },
  );
};
