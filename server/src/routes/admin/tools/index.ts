import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  AdminErrorBody,
  CreateHttpToolRequest,
  HttpToolCallView,
  HttpToolView,
  IdParams,
  StrictObject,
  TestHttpToolRequest,
  TestHttpToolResult,
  UpdateHttpToolRequest,
} from '@ai-secretary/protocol';
import type { HttpToolsService } from '../../../core/http-tools/http-tools-service.js';
import type { HttpToolRecord } from '../../../core/http-tools/types.js';

const errors = {
  400: AdminErrorBody,
  401: AdminErrorBody,
  403: AdminErrorBody,
  404: AdminErrorBody,
  409: AdminErrorBody,
};
const tags = ['tools'];

/** Header values (secret ones included) never reach the audit log. */
function auditBody(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || !('headers' in body) || !Array.isArray(body.headers)) return body;
  const headers = (body.headers as Array<Record<string, unknown>>).map((h) => ({ ...h, value: '[redacted]' }));
  return { ...body, headers };
}

/** A tool as admins see it: secret header values are never returned. */
export function toToolView(t: HttpToolRecord): HttpToolView {
  const { headers, ...rest } = t;
  return {
    ...rest,
    headers: headers.map((h) => ({
      name: h.name,
      secret: h.sealed !== null,
      value: h.sealed === null ? h.value : null,
    })),
  };
}

/** The owner's HTTP tools (docs/http-tools.md); admins only, every write audited by the audit hook. */
export const toolsRoutes: FastifyPluginAsyncTypebox<{ tools: HttpToolsService }> = async (app, { tools }) => {
  app.get(
    '/',
    {
      config: { access: 'admin' },
      schema: { tags, response: { 200: StrictObject({ items: Type.Array(HttpToolView) }), ...errors } },
    },
    async () => ({ items: (await tools.list()).map(toToolView) }),
  );

  app.post(
    '/',
    {
      config: { access: 'admin', audit: 'tools.create', auditBody },
      schema: { tags, body: CreateHttpToolRequest, response: { 201: HttpToolView, ...errors } },
    },
    async (request, reply) => reply.status(201).send(toToolView(await tools.create(request.body))),
  );

  app.get(
    '/:id',
    { config: { access: 'admin' }, schema: { tags, params: IdParams, response: { 200: HttpToolView, ...errors } } },
    async (request) => toToolView(await tools.get(request.params.id)),
  );

  app.patch(
    '/:id',
    {
      config: { access: 'admin', audit: 'tools.update', auditBody },
      schema: { tags, params: IdParams, body: UpdateHttpToolRequest, response: { 200: HttpToolView, ...errors } },
    },
    async (request) => toToolView(await tools.update(request.params.id, request.body)),
  );

  app.delete(
    '/:id',
    {
      config: { access: 'admin', audit: 'tools.delete' },
      schema: { tags, params: IdParams, response: { 200: HttpToolView, ...errors } },
    },
    async (request) => toToolView(await tools.remove(request.params.id)),
  );

  app.post(
    '/:id/test',
    {
      config: { access: 'admin', audit: 'tools.test' },
      schema: { tags, params: IdParams, body: TestHttpToolRequest, response: { 200: TestHttpToolResult, ...errors } },
    },
    async (request) => tools.test(request.params.id, request.body.arguments),
  );

  app.get(
    '/:id/calls',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        params: IdParams,
        querystring: StrictObject({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }),
        response: { 200: StrictObject({ items: Type.Array(HttpToolCallView) }), ...errors },
      },
    },
    async (request) => {
      await tools.get(request.params.id);
      return { items: await tools.calls(request.params.id, request.query.limit ?? 50) };
    },
  );
};
