import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { StrictObject, type LiveStatus } from '@ai-secretary/protocol';
import type { FastifyReply } from 'fastify';
import type { LiveFeed } from '../../../core/dashboard/live-feed.js';
import { principalOf } from '../principal.js';

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};
/** A comment line keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

/** Providers and speech workers are admin matters; other roles get the rest. */
function forRole(status: LiveStatus, admin: boolean): LiveStatus {
  return admin ? status : { ...status, providers: [], workers: [] };
}

function send(reply: FastifyReply, event: string, data: unknown): void {
  if (!reply.raw.destroyed) reply.raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/**
 * `GET /api/events`: a Server-Sent Events stream of the dashboard's live status (`event: status`),
 * sent at once and then on every change. Authenticated with the usual bearer header, so the panel
 * reads it with fetch() (EventSource cannot send headers).
 */
export function eventsRoutes(feed: LiveFeed): FastifyPluginAsyncTypebox {
  return async (app) => {
    const open = new Set<FastifyReply>();
    // Before the server stops accepting and waits for its connections: an open stream never ends by
    // itself, so a shutdown (or a test's dispose) with a dashboard open would wait forever.
    app.addHook('preClose', async () => {
      for (const reply of open) reply.raw.end();
    });
    app.get(
      '/',
      { config: { access: 'authenticated' }, schema: { tags: ['dashboard'], querystring: StrictObject({}) } },
      async (request, reply) => {
        const admin = principalOf(request).role === 'admin';
        reply.hijack();
        reply.raw.writeHead(200, SSE_HEADERS);
        reply.raw.write(': connected\n\n');
        open.add(reply);
        const unsubscribe = feed.subscribe((status) => send(reply, 'status', forRole(status, admin)));
        const heartbeat = setInterval(() => reply.raw.write(': ping\n\n'), HEARTBEAT_MS);
        reply.raw.once('close', () => {
          clearInterval(heartbeat);
          unsubscribe();
          open.delete(reply);
        });
      },
    );
  };
}
