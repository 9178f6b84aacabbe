import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AdminErrorBody,
  CreateUserRequest,
  IdParams,
  ListQuery,
  Ok,
  Paged,
  SetPasswordRequest,
  UpdateUserRequest,
  UserView,
} from '@ai-secretary/protocol';
import type { Principal } from '../../../core/auth/types.js';
import { assertCanAccessUser, type UserPatch, type UsersService } from '../../../core/users/users-service.js';
import { ForbiddenError } from '../../../errors.js';
import { principalOf } from '../principal.js';
import { toUserView } from '../views.js';

const errors = {
  400: AdminErrorBody,
  401: AdminErrorBody,
  403: AdminErrorBody,
  404: AdminErrorBody,
  409: AdminErrorBody,
};
const tags = ['users'];

/** Non-admins may change only their own display name. */
function assertMayPatch(principal: Principal, id: string, patch: UserPatch): void {
  if (principal.role === 'admin') return;
  assertCanAccessUser(principal, id);
  if (patch.role !== undefined || patch.disabled !== undefined)
    throw new ForbiddenError('Only admins change roles and status');
}

export const userRoutes: FastifyPluginAsyncTypebox<{ users: UsersService }> = async (app, { users }) => {
  app.get(
    '/',
    {
      config: { access: 'admin' },
      schema: { tags, querystring: ListQuery, response: { 200: Paged(UserView), ...errors } },
    },
    async (request) => {
      const { items, total } = await users.list({
        limit: request.query.limit ?? 50,
        offset: request.query.offset ?? 0,
      });
      return { items: items.map(toUserView), total };
    },
  );

  app.post(
    '/',
    {
      config: { access: 'admin', audit: 'users.create' },
      schema: { tags, body: CreateUserRequest, response: { 201: UserView, ...errors } },
    },
    async (request, reply) => reply.status(201).send(toUserView(await users.create(request.body))),
  );

  app.get(
    '/:id',
    { config: { access: 'authenticated' }, schema: { tags, params: IdParams, response: { 200: UserView, ...errors } } },
    async (request) => {
      assertCanAccessUser(principalOf(request), request.params.id);
      return toUserView(await users.get(request.params.id));
    },
  );

  app.patch(
    '/:id',
    {
      config: { access: 'user', audit: 'users.update' },
      schema: { tags, params: IdParams, body: UpdateUserRequest, response: { 200: UserView, ...errors } },
    },
    async (request) => {
      assertMayPatch(principalOf(request), request.params.id, request.body);
      return toUserView(await users.update(request.params.id, request.body));
    },
  );

  app.post(
    '/:id/password',
    {
      config: { access: 'admin', audit: 'users.set_password' },
      schema: { tags, params: IdParams, body: SetPasswordRequest, response: { 200: Ok, ...errors } },
    },
    async (request) => {
      await users.setPassword(request.params.id, request.body.password);
      return { ok: true as const };
    },
  );

  app.delete(
    '/:id',
    {
      config: { access: 'admin', audit: 'users.delete' },
      schema: { tags, params: IdParams, response: { 200: Ok, ...errors } },
    },
    async (request) => {
      if (request.params.id === principalOf(request).userId) throw new ForbiddenError('You cannot delete yourself');
      await users.remove(request.params.id);
      return { ok: true as const };
    },
  );
};
