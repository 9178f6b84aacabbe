import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import {
  AdminErrorBody,
  StrictObject,
  WidgetChatRequest,
  WidgetConfigView,
  WidgetHistory,
  WidgetHistoryQuery,
  WidgetMessageRequest,
  type WidgetChatEvent,
} from '@ai-secretary/protocol';
import { toIso } from '../../core/clock.js';
import type { ChatStream } from '../../core/llm/chat-stream.js';
import type { WidgetCaller, WidgetChatService } from '../../core/widget-chat/widget-chat-service.js';
import { AuthError, ChatAbortedError, LlmUnavailableError } from '../../errors.js';
import { normalizeError } from '../../http/errors.js';
import { corsHook, originOf, preflight, type ActiveTokens } from './cors.js';

const errors = {
  400: AdminErrorBody,
  401: AdminErrorBody,
  403: AdminErrorBody,
  413: AdminErrorBody,
  429: AdminErrorBody,
};
const tags = ['widget'];
/** Above WIDGET_MAX_MESSAGE_CHARS the route answers its own 413; this only stops absurd bodies early. */
const BODY_LIMIT_BYTES = 262_144;
const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
};

export interface WidgetRouteDeps {
  chat: WidgetChatService;
  tokens: ActiveTokens;
  /** Whether a voice session can start now (the widget shows its microphone button then). */
  canTalk: () => boolean;
}

function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (match === null) throw new AuthError('WIDGET_TOKEN_INVALID', 'A widget token is required');
  return match[1]!;
}

async function callerOf(chat: WidgetChatService, request: FastifyRequest, visitorId: string): Promise<WidgetCaller> {
  const token = await chat.authorize(bearerToken(request), originOf(request));
  return { token, visitorId, ip: request.ip };
}

const event = (e: WidgetChatEvent) => `data: ${JSON.stringify(e)}\n\n`;

/**
 * Streams the reply as SSE; a failure after the first token ends the stream with an `error` event. `onDone` runs
 * before the `done` event, so a visitor who reloads at once finds the reply in the history.
 */
async function sendStream(reply: FastifyReply, stream: ChatStream, onDone: (text: string) => Promise<void>) {
  const headers = { ...(reply.getHeaders() as Record<string, string>), ...SSE_HEADERS };
  reply.hijack();
  reply.raw.writeHead(200, headers);
  let text = '';
  try {
    for await (const delta of stream) {
      if (reply.raw.destroyed) break;
      if (!delta.content) continue;
      text += delta.content;
      reply.raw.write(event({ type: 'delta', text: delta.content }));
    }
    await onDone(text).catch((error: unknown) => reply.log.error({ err: error }, 'widget transcript not saved'));
    reply.raw.end(event({ type: 'done', text }));
  } catch (error) {
    if (error instanceof ChatAbortedError || reply.raw.destroyed) return void reply.raw.destroy();
    const { code, message } = normalizeError(error);
    reply.log.warn({ err: error }, 'widget reply failed after the first token');
    reply.raw.end(event({ type: 'error', code, message, offerMessage: error instanceof LlmUnavailableError }));
  } finally {
    stream.cancel();
  }
}

function abortOnDisconnect(reply: FastifyReply): AbortController {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller;
}

/**
 * `/api/widget/*`: the public chat API of the website widget (docs/widget.md). Every route is `public` to the
 * access guard and checks its own credential: the widget token in `Authorization` and the page's `Origin`.
 */
export function widgetApiRoutes(deps: WidgetRouteDeps): FastifyPluginAsyncTypebox {
  const { chat } = deps;
  return async (app) => {
    app.addHook('onRequest', corsHook(deps.tokens));
    app.options('/*', { config: { access: 'public' }, schema: { hide: true } }, preflight);

    app.get(
      '/config',
      { config: { access: 'public' }, schema: { tags, response: { 200: WidgetConfigView, ...errors } } },
      async (request) => {
        const token = await chat.authorize(bearerToken(request), originOf(request));
        return chat.config(token, deps.canTalk());
      },
    );

    app.get(
      '/history',
      {
        config: { access: 'public' },
        schema: { tags, querystring: WidgetHistoryQuery, response: { 200: WidgetHistory, ...errors } },
      },
      async (request) => {
        const items = await chat.history(await callerOf(chat, request, request.query.visitorId));
        return { items: items.map((item) => ({ ...item, at: toIso(item.at) })) };
      },
    );

    app.post(
      '/chat',
      { bodyLimit: BODY_LIMIT_BYTES, config: { access: 'public' }, schema: { tags, body: WidgetChatRequest } },
      async (request, reply) => {
        const caller = await callerOf(chat, request, request.body.visitorId);
        const { text } = request.body;
        chat.admit(caller, text);
        const startedAt = chat.now();
        const controller = abortOnDisconnect(reply);
        const stream = await chat.chat(caller, text, controller.signal);
        await sendStream(reply, stream, (answer) => chat.remember(caller, text, answer, startedAt));
      },
    );

    app.post(
      '/messages',
      {
        config: { access: 'public' },
        schema: { tags, body: WidgetMessageRequest, response: { 201: StrictObject({ id: Type.String() }), ...errors } },
      },
      async (request, reply) => {
        const message = await chat.leaveMessage(await callerOf(chat, request, request.body.visitorId), request.body);
        return reply.status(201).send({ id: message.id });
      },
    );
  };
}
