import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  AdminErrorBody,
  CreatePersonaRequest,
  IdParams,
  Ok,
  PersonaView,
  StrictObject,
  UpdatePersonaRequest,
} from '@ai-secretary/protocol';
import type { PersonasService } from '../../../core/llm/personas.js';
import { errors, toPersonaView } from './views.js';

const tags = ['llm'];

/** `/api/llm/personas`: system prompts with variables, language, default route and sampling. */
export const personaRoutes: FastifyPluginAsyncTypebox<{ personas: PersonasService }> = async (app, { personas }) => {
  app.get(
    '/',
    {
      config: { access: 'admin' },
      schema: { tags, response: { 200: StrictObject({ items: Type.Array(PersonaView) }), ...errors(AdminErrorBody) } },
    },
    async () => ({ items: personas.list().map(toPersonaView) }),
  );

  app.post(
    '/',
    {
      config: { access: 'admin', audit: 'llm.personas.create' },
      schema: { tags, body: CreatePersonaRequest, response: { 201: PersonaView, ...errors(AdminErrorBody) } },
    },
    async (request, reply) => {
      const b = request.body;
      const created = await personas.create({
        slug: b.slug,
        name: b.name,
        systemPrompt: b.systemPrompt,
        language: b.language ?? 'en',
        route: b.route ?? 'auto',
        businessName: b.businessName ?? '',
        timezone: b.timezone ?? 'UTC',
        temperature: b.temperature ?? null,
        topP: b.topP ?? null,
        maxTokens: b.maxTokens ?? null,
        useFaq: b.useFaq ?? true,
        localOnly: b.localOnly ?? false,
      });
      return reply.status(201).send(toPersonaView(created));
    },
  );

  app.patch(
    '/:id',
    {
      config: { access: 'admin', audit: 'llm.personas.update' },
      schema: {
        tags,
        params: IdParams,
        body: UpdatePersonaRequest,
        response: { 200: PersonaView, ...errors(AdminErrorBody) },
      },
    },
    async (request) => toPersonaView(await personas.update(request.params.id, request.body)),
  );

  app.delete(
    '/:id',
    {
      config: { access: 'admin', audit: 'llm.personas.delete' },
      schema: { tags, params: IdParams, response: { 200: Ok, ...errors(AdminErrorBody) } },
    },
    async (request) => {
      await personas.remove(request.params.id);
      return { ok: true as const };
    },
  );
};
