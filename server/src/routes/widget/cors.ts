import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WidgetTokenRecord } from '../../core/widget-tokens/types.js';

/** The active tokens (the preflight carries no token, so it is answered for an origin any of them allows). */
export type ActiveTokens = () => Promise<WidgetTokenRecord[]>;

const PREFLIGHT_HEADERS = {
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'authorization, content-type',
  'access-control-max-age': '600',
};

export function originOf(request: FastifyRequest): string | undefined {
  const origin = request.headers.origin;
  return typeof origin === 'string' && origin !== 'null' ? origin : undefined;
}

async function allowedSomewhere(tokens: ActiveTokens, origin: string): Promise<boolean> {
  const active = (await tokens()).filter((t) => t.revokedAt === null);
  return active.some((t) => t.allowedOrigins.length === 0 || t.allowedOrigins.includes(origin));
}

/**
 * CORS for `/api/widget/*`: the allow headers go ONLY to an origin an active widget token allows; any other page
 * gets no CORS headers at all, so its browser cannot read an answer. Each request still checks its own token
 * against the Origin (a page allowed for one token cannot use another's).
 */
export function corsHook(tokens: ActiveTokens) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const origin = originOf(request);
    if (origin === undefined || !(await allowedSomewhere(tokens, origin))) return;
    void reply.header('access-control-allow-origin', origin);
    void reply.header('vary', 'Origin');
    if (request.method === 'OPTIONS') void reply.headers(PREFLIGHT_HEADERS);
  };
}

/** The preflight: 204 with the allow headers (set by the hook) for an allowed origin, 403 otherwise. */
export async function preflight(_request: FastifyRequest, reply: FastifyReply) {
  const allowed = reply.hasHeader('access-control-allow-origin');
  return reply.code(allowed ? 204 : 403).send();
}
