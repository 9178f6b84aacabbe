import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  AdminErrorBody,
  CreateLimitRequest,
  IdParams,
  ModelParams,
  Ok,
  PriceView,
  SetPriceRequest,
  StrictObject,
  LimitView,
} from '@ai-secretary/protocol';
import type { UsageService } from '../../../core/llm/usage.js';
import { errors, toLimitView, toPriceView } from './views.js';

const tags = ['llm'];

/** `/api/llm/limits`: daily limits per route, channel instance or API key, with today's use. */
export const limitRoutes: FastifyPluginAsyncTypebox<{ usage: UsageService }> = async (app, { usage }) => {
  app.get(
    '/',
    {
      config: { access: 'admin' },
      schema: { tags, response: { 200: StrictObject({ items: Type.Array(LimitView) }), ...errors(AdminErrorBody) } },
    },
    async () => ({ items: (await usage.limitStatus()).map(toLimitView) }),
  );

  app.post(
    '/',
    {
      config: { access: 'admin', audit: 'llm.limits.create' },
      schema: { tags, body: CreateLimitRequest, response: { 201: LimitView, ...errors(AdminErrorBody) } },
    },
    async (request, reply) => {
      const limit = await usage.addLimit(request.body);
      const status = (await usage.limitStatus()).find((l) => l.id === limit.id) ?? { ...limit, used: 0 };
      return reply.status(201).send(toLimitView(status));
    },
  );

  app.delete(
    '/:id',
    {
      config: { access: 'admin', audit: 'llm.limits.delete' },
      schema: { tags, params: IdParams, response: { 200: Ok, ...errors(AdminErrorBody) } },
    },
    async (request) => {
      await usage.removeLimit(request.params.id);
      return { ok: true as const };
    },
  );
};

/** `/api/llm/prices`: USD per million tokens per model, used for cost estimates and downgrades. */
export const priceRoutes: FastifyPluginAsyncTypebox<{ usage: UsageService }> = async (app, { usage }) => {
  app.get(
    '/',
    {
      config: { access: 'admin' },
      schema: { tags, response: { 200: StrictObject({ items: Type.Array(PriceView) }), ...errors(AdminErrorBody) } },
    },
    async () => ({ items: usage.listPrices().map(toPriceView) }),
  );

  app.put(
    '/:model',
    {
      config: { access: 'admin', audit: 'llm.prices.set' },
      schema: {
        tags,
        params: ModelParams,
        body: SetPriceRequest,
        response: { 200: PriceView, ...errors(AdminErrorBody) },
      },
    },
    async (request) => toPriceView(await usage.setPrice({ model: request.params.model, ...request.body })),
  );

  app.delete(
    '/:model',
    {
      config: { access: 'admin', audit: 'llm.prices.delete' },
      schema: { tags, params: ModelParams, response: { 200: Ok, ...errors(AdminErrorBody) } },
    },
    async (request) => {
      await usage.removePrice(request.params.model);
      return { ok: true as const };
    },
  );
};
