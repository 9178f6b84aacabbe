import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ReadyResponse, type ReadyResponse as Ready } from '@ai-secretary/protocol';
import type { Registry } from 'prom-client';

export interface ComponentCheck {
  name: string;
  /** `ok: false` makes the server not ready (503); `degraded` keeps it ready but says what is missing. */
  check(): Promise<{ ok: boolean; degraded?: boolean; detail?: string }>;
}

export interface SystemRoutesDeps {
  readiness: ComponentCheck[];
  metrics: Registry;
}

async function runChecks(checks: ComponentCheck[]): Promise<Ready> {
  const components = await Promise.all(
    checks.map(async (c) => {
      try {
        return { name: c.name, ...(await c.check()) };
      } catch {
        return { name: c.name, ok: false, detail: 'check failed' };
      }
    }),
  );
  const ready = components.every((c) => c.ok);
  const status = !ready ? 'not ready' : components.some((c) => c.degraded) ? 'degraded' : 'ready';
  return { ready, status, components };
}

/** Liveness, readiness and Prometheus metrics (outside /api, for probes and scrapers). */
export const systemRoutes: FastifyPluginAsyncTypebox<SystemRoutesDeps> = async (app, deps) => {
  app.get(
    '/health',
    { schema: { tags: ['system'], response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    { schema: { tags: ['system'], response: { 200: ReadyResponse, 503: ReadyResponse } } },
    async (_, reply) => {
      const result = await runChecks(deps.readiness);
      return reply.status(result.ready ? 200 : 503).send(result);
    },
  );

  app.get('/metrics', { schema: { tags: ['system'], hide: true } }, async (_, reply) => {
    const body = await deps.metrics.metrics();
    return reply.type(deps.metrics.contentType).send(body);
  });
};
