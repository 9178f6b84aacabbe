import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AdminErrorBody,
  ChangePasswordRequest,
  LoginRequest,
  Ok,
  RefreshRequest,
  TokenResponse,
  UserView,
} from '@ai-secretary/protocol';
import type { AuthService, IssuedTokens } from '../../../core/auth/auth-service.js';
import type { UsersService } from '../../../core/users/users-service.js';
import { principalOf } from '../principal.js';
import { toUserView } from '../views.js';

export interface AuthRoutesDeps {
  auth: AuthService;
  users: UsersService;
}

const errors = { 400: AdminErrorBody, 401: AdminErrorBody, 429: AdminErrorBody };

function toTokenResponse(tokens: IssuedTokens) {
  return {
    accessToken: tokens.accessToken,
    tokenType: 'Bearer' as const,
    expiresIn: tokens.expiresIn,
    refreshToken: tokens.refreshToken,
    refreshExpiresIn: tokens.refreshExpiresIn,
    user: toUserView(tokens.user),
  };
}

export const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesDeps> = async (app, deps) => {
  app.post(
    '/login',
    {
      config: { access: 'public', audit: false },
      schema: { tags: ['auth'], body: LoginRequest, response: { 200: TokenResponse, ...errors } },
    },
    async (request) => {
      const client = { ip: request.ip, userAgent: request.headers['user-agent'] ?? null };
      return toTokenResponse(await deps.auth.login(request.body.username, request.body.password, client));
    },
  );

  app.post(
    '/refresh',
    {
      config: { access: 'public', audit: false },
      schema: { tags: ['auth'], body: RefreshRequest, response: { 200: TokenResponse, ...errors } },
    },
    async (request) => toTokenResponse(await deps.auth.refresh(request.body.refreshToken)),
  );

  app.post(
    '/logout',
    {
      config: { access: 'authenticated', audit: 'auth.logout', guestMayWrite: true },
      schema: { tags: ['auth'], response: { 200: Ok, ...errors } },
    },
    async (request) => {
      const sessionId = principalOf(request).sessionId;
      if (sessionId !== undefined) await deps.auth.revokeSession(sessionId);
      return { ok: true as const };
    },
  );

  app.get(
    '/me',
    { config: { access: 'authenticated' }, schema: { tags: ['auth'], response: { 200: UserView, ...errors } } },
    async (request) => toUserView(await deps.users.get(principalOf(request).userId)),
  );

  app.post(
    '/password',
    {
      config: { access: 'authenticated', audit: 'auth.password_change', guestMayWrite: true },
      schema: { tags: ['auth'], body: ChangePasswordRequest, response: { 200: Ok, ...errors } },
    },
    async (request) => {
      const { currentPassword, newPassword } = request.body;
      await deps.users.changeOwnPassword(principalOf(request).userId, currentPassword, newPassword);
      return { ok: true as const };
    },
  );
};
