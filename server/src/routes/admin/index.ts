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

/** One `/api` resource folder (admin error format), mounted at `/api<prefix>`; modules list theirs. */
export interface ApiRoutes {
  prefix: string;
  plugin: FastifyPluginAsyncTypebox;
}

export interface AccountServices {
  auth: AuthService;
  users: UsersService;
  sessions: SessionsService;
  apiKeys: ApiKeysService;
  audit: AuditService;
}

/** The accounts module's folders: sign-in, users, sessions, API keys, the audit log. */
export function accountRoutes(deps: AccountServices): ApiRoutes[] {
  return [
    { prefix: '/auth', plugin: async (app) => app.register(authRoutes, { auth: deps.auth, users: deps.users }) },
    { prefix: '/users', plugin: async (app) => app.register(userRoutes, { users: deps.users }) },
    { prefix: '/sessions', plugin: async (app) => app.register(sessionRoutes, { sessions: deps.sessions }) },
    { prefix: '/api-keys', plugin: async (app) => app.register(apiKeyRoutes, { apiKeys: deps.apiKeys }) },
    { prefix: '/audit', plugin: async (app) => app.register(auditRoutes, { audit: deps.audit }) },
  ];
}

/** Everything under /api, with the admin error format: every module's resource folders. */
export const adminApi: FastifyPluginAsyncTypebox<{ folders: readonly ApiRoutes[] }> = async (app, deps) => {
  app.setErrorHandler(adminErrorHandler);
  app.setNotFoundHandler((request) => {
    throw new NotFoundError(`${request.method} ${request.url.split('?')[0]}`);
  });
  for (const { prefix, plugin } of deps.folders) await app.register(plugin, { prefix });
};
