import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  AdminErrorBody,
  CreateProviderRequest,
  IdParams,
  Ok,
  ProviderTestResult,
  ProviderView,
  ReorderProvidersRequest,
  StrictObject,
  UpdateProviderRequest,
} from '@ai-secretary/protocol';
import type { ProviderProbe } from '../../../core/llm/provider-probe.js';
import type { ProviderRegistry } from '../../../core/llm/provider-registry.js';
import { errors, toProviderView } from './views.js';

const tags = ['llm'];
const List = StrictObject({
  items: Type.Array(ProviderView),
  /** Private/loopback destinations providers may use (OUTBOUND_ALLOW plus LLM_BASE_URL's host:port). */
  outboundAllow: Type.Array(Type.String()),
});

/** `/api/llm/providers`: upstreams in failover order; API keys go in, only a masked hint comes out. */
export const providerRoutes: FastifyPluginAsyncTypebox<{ registry: ProviderRegistry; probe: ProviderProbe }> = async (
  app,
  { registry, probe },
) => {
  const view = (id: string) => toProviderView(registry.get(id));
  const list = () => ({ items: registry.handles().map(toProviderView), outboundAllow: [...registry.outboundAllow()] });

  app.get(
    '/',
    { config: { access: 'admin' }, schema: { tags, response: { 200: List, ...errors(AdminErrorBody) } } },
    async () => list(),
  );

  app.post(
    '/',
    {
      config: { access: 'admin', audit: 'llm.providers.create' },
      schema: { tags, body: CreateProviderRequest, response: { 201: ProviderView, ...errors(AdminErrorBody) } },
    },
    async (request, reply) => reply.status(201).send(view((await registry.create(request.body)).id)),
  );

  app.patch(
    '/:id',
    {
      config: { access: 'admin', audit: 'llm.providers.update' },
      schema: {
        tags,
        params: IdParams,
        body: UpdateProviderRequest,
        response: { 200: ProviderView, ...errors(AdminErrorBody) },
      },
    },
    async (request) => view((await registry.update(request.params.id, request.body)).id),
  );

  app.delete(
    '/:id',
    {
      config: { access: 'admin', audit: 'llm.providers.delete' },
      schema: { tags, params: IdParams, response: { 200: Ok, ...errors(AdminErrorBody) } },
    },
    async (request) => {
      await registry.remove(request.params.id);
      return { ok: true as const };
    },
  );

  app.post(
    '/order',
    {
      config: { access: 'admin', audit: 'llm.providers.order' },
      schema: { tags, body: ReorderProvidersRequest, response: { 200: List, ...errors(AdminErrorBody) } },
    },
    async (request) => {
      await registry.reorder(request.body.ids);
      return list();
    },
  );

  app.post(
    '/:id/test',
    {
      config: { access: 'admin', audit: false },
      schema: { tags, params: IdParams, response: { 200: ProviderTestResult, ...errors(AdminErrorBody) } },
    },
    async (request) => probe.probe(request.params.id),
  );
};
