import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  AdminErrorBody,
  CreateFaqRequest,
  FaqTestRequest,
  FaqTestResult,
  FaqView,
  IdParams,
  Ok,
  StrictObject,
  UpdateFaqRequest,
} from '@ai-secretary/protocol';
import type { FaqService } from '../../../core/llm/faq/faq-service.js';
import { errors, toFaqView } from './views.js';

const tags = ['llm'];

/** `/api/llm/faq`: instant answers, with a test endpoint that shows what a text would match. */
export const faqRoutes: FastifyPluginAsyncTypebox<{ faq: FaqService }> = async (app, { faq }) => {
  app.get(
    '/',
    {
      // Readable by every signed-in role (a guest sees the list, read-only); writes stay admin-only.
      config: { access: 'authenticated' },
      schema: { tags, response: { 200: StrictObject({ items: Type.Array(FaqView) }), ...errors(AdminErrorBody) } },
    },
    async () => ({ items: faq.list().map(toFaqView) }),
  );

  app.post(
    '/',
    {
      config: { access: 'admin', audit: 'llm.faq.create' },
      schema: { tags, body: CreateFaqRequest, response: { 201: FaqView, ...errors(AdminErrorBody) } },
    },
    async (request, reply) => {
      const { questions, answer, language, enabled } = request.body;
      const created = await faq.create({ questions, answer, language: language ?? 'en', enabled: enabled ?? true });
      return reply.status(201).send(toFaqView(created));
    },
  );

  app.patch(
    '/:id',
    {
      config: { access: 'admin', audit: 'llm.faq.update' },
      schema: { tags, params: IdParams, body: UpdateFaqRequest, response: { 200: FaqView, ...errors(AdminErrorBody) } },
    },
    async (request) => toFaqView(await faq.update(request.params.id, request.body)),
  );

  app.delete(
    '/:id',
    {
      config: { access: 'admin', audit: 'llm.faq.delete' },
      schema: { tags, params: IdParams, response: { 200: Ok, ...errors(AdminErrorBody) } },
    },
    async (request) => {
      await faq.remove(request.params.id);
      return { ok: true as const };
    },
  );

  app.post(
    '/test',
    {
      config: { access: 'admin', audit: false },
      schema: { tags, body: FaqTestRequest, response: { 200: FaqTestResult, ...errors(AdminErrorBody) } },
    },
    async (request) => {
      const hit = faq.lookup(request.body.text);
      if (!hit) return { matched: false, id: null, score: 0, question: null, answer: null };
      return { matched: true, id: hit.id, score: hit.score, question: hit.question, answer: hit.answer };
    },
  );
};
