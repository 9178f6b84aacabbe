import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import {
  AdminErrorBody,
  CreateKnowledgeDocumentRequest,
  IdParams,
  KnowledgeDocumentDetail,
  KnowledgeDocumentView,
  KnowledgeSearchQuery,
  KnowledgeSearchResult,
  StrictObject,
  UpdateKnowledgeDocumentRequest,
} from '@ai-secretary/protocol';
import type { KnowledgeService } from '../../../core/knowledge/knowledge-service.js';
import { KnowledgeInputError, KnowledgeTooLargeError } from '../../../errors.js';
import { readMultipart } from '../../../http/multipart.js';
import { extractDocument } from '../../../knowledge/extract.js';
import { fetchDocument } from '../../../knowledge/fetch-url.js';
import { toDocumentView, toHitView, toPassageView } from './views.js';

const errors = {
  400: AdminErrorBody,
  401: AdminErrorBody,
  403: AdminErrorBody,
  404: AdminErrorBody,
  413: AdminErrorBody,
  415: AdminErrorBody,
};
const tags = ['knowledge'];

export interface KnowledgeRoutesDeps {
  knowledge: KnowledgeService;
  maxUploadBytes: number;
  /** The guarded fetch for documents given by URL (OUTBOUND_ALLOW applies). */
  fetch: typeof fetch;
}

const UrlDocumentRequest = StrictObject({
  url: Type.String({ minLength: 8, maxLength: 2048 }),
  title: Type.Optional(Type.String({ minLength: 1, maxLength: 256, pattern: '\\S' })),
  language: Type.Optional(Type.String({ minLength: 2, maxLength: 16 })),
});
const URL_TIMEOUT_MS = 15_000;

interface UploadForm {
  fileName: string;
  file: Buffer;
  fields: Record<string, string>;
}

async function readFile(part: { toBuffer(): Promise<Buffer> }, limitBytes: number): Promise<Buffer> {
  try {
    return await part.toBuffer();
  } catch (error) {
    if ((error as { code?: unknown }).code === 'FST_REQ_FILE_TOO_LARGE') throw new KnowledgeTooLargeError(limitBytes);
    throw error;
  }
}

/** The "file" part and the text fields (title, language) of an upload. */
async function readUpload(request: FastifyRequest, limitBytes: number): Promise<UploadForm> {
  if (!request.isMultipart())
    throw new KnowledgeInputError('Send the document as multipart/form-data with a "file" part', 'NOT_MULTIPART');
  let upload: { fileName: string; file: Buffer } | null = null;
  const fields: Record<string, string> = {};
  for await (const part of request.parts()) {
    if (part.type !== 'file') fields[part.fieldname] = String(part.value);
    else if (part.fieldname !== 'file')
      throw new KnowledgeInputError(`Unexpected file part "${part.fieldname}"`, 'UNKNOWN_PART');
    else upload = { fileName: part.filename, file: await readFile(part, limitBytes) };
  }
  if (!upload) throw new KnowledgeInputError('"file" is required', 'FIELD_MISSING');
  return { ...upload, fields };
}

/** The knowledge base's documents and what a question retrieves; admins only. */
export const knowledgeRoutes: FastifyPluginAsyncTypebox<KnowledgeRoutesDeps> = async (app, deps) => {
  const { knowledge } = deps;
  await app.register(multipart, { limits: { fileSize: deps.maxUploadBytes, files: 1, fields: 4, parts: 5 } });

  app.get(
    '/documents',
    {
      config: { access: 'admin' },
      schema: { tags, response: { 200: StrictObject({ items: Type.Array(KnowledgeDocumentView) }), ...errors } },
    },
    async () => ({ items: (await knowledge.list()).map(toDocumentView) }),
  );

  app.post(
    '/documents',
    {
      config: { access: 'admin', audit: 'knowledge.create' },
      schema: { tags, body: CreateKnowledgeDocumentRequest, response: { 201: KnowledgeDocumentView, ...errors } },
    },
    async (request, reply) => {
      const document = await knowledge.create({ ...request.body, source: 'text' });
      return reply.status(201).send(toDocumentView(document));
    },
  );

  app.post(
    '/documents/upload',
    {
      config: { access: 'admin', audit: 'knowledge.upload' },
      schema: { tags, consumes: ['multipart/form-data'], response: { 201: KnowledgeDocumentView, ...errors } },
    },
    async (request, reply) => {
      const form = await readMultipart(() => readUpload(request, deps.maxUploadBytes));
      const extracted = await extractDocument(form.fileName, form.file);
      const title = form.fields.title?.trim() || form.fileName.replace(/\.[^.]+$/, '');
      const document = await knowledge.create({
        ...extracted,
        title: title.slice(0, 256),
        language: form.fields.language?.trim().slice(0, 16) || null,
        source: form.fileName.slice(0, 256),
      });
      return reply.status(201).send(toDocumentView(document));
    },
  );

  app.post(
    '/documents/url',
    {
      config: { access: 'admin', audit: 'knowledge.url' },
      schema: { tags, body: UrlDocumentRequest, response: { 201: KnowledgeDocumentView, ...errors } },
    },
    async (request, reply) => {
      const { url, title, language } = request.body;
      const fetched = await fetchDocument(url, {
        fetch: deps.fetch,
        maxBytes: deps.maxUploadBytes,
        timeoutMs: URL_TIMEOUT_MS,
      });
      const extracted = await extractDocument(fetched.fileName, fetched.file);
      const document = await knowledge.create({
        ...extracted,
        title: (title?.trim() || fetched.fileName.replace(/\.[^.]+$/, '')).slice(0, 256),
        language: language?.trim() || null,
        source: url.slice(0, 256),
      });
      return reply.status(201).send(toDocumentView(document));
    },
  );

  app.get(
    '/documents/:id',
    {
      config: { access: 'admin' },
      schema: { tags, params: IdParams, response: { 200: KnowledgeDocumentDetail, ...errors } },
    },
    async (request) => {
      const document = await knowledge.get(request.params.id);
      const passages = await knowledge.passages(document.id);
      return { document: toDocumentView(document), text: document.text, passages: passages.map(toPassageView) };
    },
  );

  app.patch(
    '/documents/:id',
    {
      config: { access: 'admin', audit: 'knowledge.update' },
      schema: {
        tags,
        params: IdParams,
        body: UpdateKnowledgeDocumentRequest,
        response: { 200: KnowledgeDocumentView, ...errors },
      },
    },
    async (request) => toDocumentView(await knowledge.update(request.params.id, request.body)),
  );

  app.delete(
    '/documents/:id',
    {
      config: { access: 'admin', audit: 'knowledge.delete' },
      schema: { tags, params: IdParams, response: { 200: KnowledgeDocumentView, ...errors } },
    },
    async (request) => toDocumentView(await knowledge.remove(request.params.id)),
  );

  app.post(
    '/documents/:id/reindex',
    {
      config: { access: 'admin', audit: 'knowledge.reindex' },
      schema: { tags, params: IdParams, response: { 200: KnowledgeDocumentView, ...errors } },
    },
    async (request) => toDocumentView(await knowledge.reindex(request.params.id)),
  );

  app.get(
    '/search',
    {
      config: { access: 'admin' },
      schema: { tags, querystring: KnowledgeSearchQuery, response: { 200: KnowledgeSearchResult, ...errors } },
    },
    async (request) => ({
      engine: knowledge.engine,
      minScore: knowledge.minScore,
      hits: (await knowledge.search(request.query.q, request.query.limit)).map(toHitView),
    }),
  );
};
