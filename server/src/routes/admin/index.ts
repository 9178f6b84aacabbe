import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApiKeysService } from '../../core/api-keys/api-keys-service.js';
import type { AuditService } from '../../core/audit/audit-service.js';
import type { AuthService } from '../../core/auth/auth-service.js';
import type { SessionsService } from '../../core/auth/sessions-service.js';
import type { UsersService } from '../../core/users/users-service.js';
import { NotFoundError } from '../../errors.js';
import { adminErrorHandler } from '../../http/errors.js';
import { apiKeyRoutes } from './api-keys/index.js';
import { auditRoutes } from './audit/index.js';
import { authRoutes } from './auth/index.js';
import { sessionRoutes } from './sessions/index.js';
import { userRoutes } from './users/index.js';

export interface AdminApiDeps {
  auth: AuthService;
  users: UsersService;
  sessions: SessionsService;
  apiKeys: ApiKeysService;
  audit: AuditService;
  /** Resource folders added by later modules (LLM, speech, GSM, …). */
  extra?: Array<{ prefix: string; plugin: FastifyPluginAsyncTypebox }>;
}

/** Everything under /api, with the admin error format. */
export const adminApi: FastifyPluginAsyncTypebox<AdminApiDeps> = async (app, deps) => {
  app.setErrorHandler(adminErrorHandler);
  app.setNotFoundHandler((request) => {
    throw new NotFoundError(`${request.method} ${request.url.split('?')[0]}`);
  });
  await app.register(authRoutes, { prefix: '/auth', auth: deps.auth, users: deps.users });
  await app.register(userRoutes, { prefix: '/users', users: deps.users });
  await app.register(sessionRoutes, { prefix: '/sessions', sessions: deps.sessions });
  await app.register(apiKeyRoutes, { prefix: '/api-keys', apiKeys: deps.apiKeys });
  await app.register(auditRoutes, { prefix: '/audit', audit: deps.audit });
  for (const { prefix, plugin } of deps.extra ?? []) await app.register(plugin, { prefix });
};
