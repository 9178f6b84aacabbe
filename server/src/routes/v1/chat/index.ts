import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ChatResult, ChatStream } from '../../../core/llm/chat-stream.js';
import type { KnowledgeTurns } from '../../../core/knowledge/knowledge-turn.js';
import { ChatAbortedError } from '../../../errors.js';
import { collect, type ChatRequest, type LlmRouter } from '../../../core/llm/router.js';
import { normalizeError } from '../../../http/errors.js';
import { principalOf } from '../../admin/principal.js';
import type { V1Plugin } from '../index.js';
import { ChatCompletionRequest } from './schema.js';
import { chunkWriter, completionBody, shownModel, toMessages, toSampling } from './shape.js';

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

/** Aborts the router's work when the client goes away before the answer is complete. */
function abortOnDisconnect(reply: FastifyReply): AbortController {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller;
}

export interface ChatRouteOptions {
  /** Per provider attempt: no first token within it, the attempt is cancelled and the next provider tried. */
  firstTokenTimeoutMs?: number;
  /** The knowledge base for persona routes (search_knowledge tool or passages in the context). */
  knowledge?: KnowledgeTurns | undefined;
}

function toChatRequest(
  request: FastifyRequest,
  body: ChatCompletionRequest,
  signal: AbortSignal,
  options: ChatRouteOptions,
): ChatRequest {
  const principal = principalOf(request);
  return {
    ...(options.firstTokenTimeoutMs !== undefined ? { firstTokenTimeoutMs: options.firstTokenTimeoutMs } : {}),
    route: body.model,
    messages: toMessages(body),
    tools: body.tools as ChatRequest['tools'],
    toolChoice: body.tool_choice,
    sampling: toSampling(body),
    channel: 'v1',
    userId: principal.userId,
    apiKeyId: principal.apiKeyId ?? null,
    user: body.user,
    signal,
  };
}

function routingHeaders(stream: ChatStream | ChatResult): Record<string, string> {
  return { 'x-llm-provider': stream.provider, 'x-llm-route': stream.route, 'x-llm-source': stream.source };
}

/**
 * The SSE side of one response. Events produced in the same tick (an upstream packet often carries
 * several tokens) leave in one socket write: they are joined and written when the tick's work is
 * done, never later, so no token waits for a later one. When the socket is full, the next event waits
 * for it to drain (or close) instead of buffering without bound.
 */
function sseWriter(reply: FastifyReply) {
  const raw = reply.raw;
  let pending: string[] = [];
  let blocked: Promise<void> | null = null;
  const take = () => {
    const text = pending.join('');
    pending = [];
    return text;
  };
  const flush = () => {
    if (pending.length === 0 || raw.destroyed) return;
    if (!raw.write(take())) blocked = drained();
  };
  const drained = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        raw.off('drain', done);
        raw.off('close', done);
        blocked = null;
        resolve();
      };
      raw.once('drain', done);
      raw.once('close', done);
    });
  return {
    /** Queues text for this tick's write; returns a promise to await before sending more while the socket is full. */
    send(text: string): Promise<void> | null {
      if (pending.push(text) === 1) process.nextTick(flush);
      return blocked;
    },
    end(text: string): void {
      pending.push(text);
      raw.end(take());
    },
  };
}

/** Streams deltas as they come; a mid-stream failure ends the stream with an OpenAI error event. */
async function sendStream(reply: FastifyReply, stream: ChatStream, model: string, includeUsage: boolean) {
  const chunks = chunkWriter(stream, model, includeUsage);
  reply.hijack();
  reply.raw.writeHead(200, { ...SSE_HEADERS, ...routingHeaders(stream) });
  const out = sseWriter(reply);
  try {
    for await (const batch of stream.batches()) {
      if (reply.raw.destroyed) break;
      let text = '';
      for (const delta of batch) text += chunks.delta(delta);
      const full = out.send(text);
      if (full) await full;
    }
    const result = await stream.result;
    if (includeUsage) void out.send(chunks.usage(result));
    out.end('data: [DONE]\n\n');
  } catch (error) {
    if (error instanceof ChatAbortedError || reply.raw.destroyed) return void reply.raw.destroy();
    const normalized = normalizeError(error);
    const event = {
      error: { message: normalized.message, type: 'api_error', param: null, code: normalized.code.toLowerCase() },
    };
    reply.log.warn({ err: error }, 'llm stream failed after the first token');
    out.end(`data: ${JSON.stringify(event)}\n\n`);
  } finally {
    stream.cancel();
  }
}

/** A knowledge-base answer: the usual body plus `sources`, an extension field OpenAI clients ignore. */
function sendWithSources(reply: FastifyReply, answered: { result: ChatResult; sources: unknown[] }, requested: string) {
  const { result } = answered;
  const model = result.source === 'faq' ? requested : result.model;
  return reply.headers(routingHeaders(result)).send({ ...completionBody(result, model), sources: answered.sources });
}

/**
 * A streamed persona answer with the knowledge base and tools: the SSE response opens on the first round, each
 * round's text is forwarded as it comes, tool calls run between rounds, and a last chunk (no choices) carries
 * `sources` before `[DONE]`. Returns false when nothing applies (the caller streams as before).
 */
async function sendKnowledgeStream(
  reply: FastifyReply,
  knowledge: KnowledgeTurns,
  router: LlmRouter,
  request: ChatRequest,
  body: ChatCompletionRequest,
): Promise<boolean> {
  let open: { chunks: ReturnType<typeof chunkWriter>; out: ReturnType<typeof sseWriter> } | null = null;
  const includeUsage = body.stream_options?.include_usage === true;
  const onRound = (stream: ChatStream) => {
    if (open) return;
    const chunks = chunkWriter(stream, shownModel(stream, body.model), includeUsage);
    reply.hijack();
    reply.raw.writeHead(200, { ...SSE_HEADERS, ...routingHeaders(stream) });
    open = { chunks, out: sseWriter(reply) };
    void open.out.send(chunks.delta({ role: 'assistant', content: '' }));
  };
  const onText = (text: string) => void open?.out.send(open.chunks.delta({ content: text }));
  try {
    const answered = await knowledge.streamed((r) => router.chat(r), request, { onRound, onText });
    if (!answered || !open) return false;
    const { chunks, out } = open as { chunks: ReturnType<typeof chunkWriter>; out: ReturnType<typeof sseWriter> };
    void out.send(chunks.delta({ finishReason: answered.result.finishReason === 'length' ? 'length' : 'stop' }));
    void out.send(chunks.extension({ sources: answered.sources }));
    if (includeUsage) void out.send(chunks.usage(answered.result));
    out.end('data: [DONE]\n\n');
    return true;
  } catch (error) {
    if (!open) throw error;
    if (error instanceof ChatAbortedError || reply.raw.destroyed) return Boolean(reply.raw.destroy());
    const normalized = normalizeError(error);
    const event = {
      error: { message: normalized.message, type: 'api_error', param: null, code: normalized.code.toLowerCase() },
    };
    reply.log.warn({ err: error }, 'llm stream failed after the first token');
    (open as { out: ReturnType<typeof sseWriter> }).out.end(`data: ${JSON.stringify(event)}\n\n`);
    return true;
  }
}

export function chatRoutes(router: LlmRouter, options: ChatRouteOptions = {}): V1Plugin {
  return async (app) => {
    app.post(
      '/chat/completions',
      { config: { access: 'api' }, schema: { tags: ['v1'], body: ChatCompletionRequest } },
      async (request, reply) => {
        const controller = abortOnDisconnect(reply);
        const chatRequest = toChatRequest(request, request.body, controller.signal, options);
        if (options.knowledge && request.body.stream !== true) {
          const answered = await options.knowledge.answer((r) => router.chat(r), collect, chatRequest);
          if (answered) return sendWithSources(reply, answered, request.body.model);
        } else if (options.knowledge) {
          if (await sendKnowledgeStream(reply, options.knowledge, router, chatRequest, request.body)) return reply;
        }
        const stream = await router.chat(chatRequest);
        const model = shownModel(stream, request.body.model);
        if (request.body.stream === true) {
          return sendStream(reply, stream, model, request.body.stream_options?.include_usage === true);
        }
        const result = await collect(stream);
        return reply.headers(routingHeaders(stream)).send(completionBody(result, model));
      },
    );
  };
}
