import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AdminErrorBody, IdParams, Ok, ProcessList, ProcessLogs, type ProcessInfo } from '@ai-secretary/protocol';
import { NotFoundError } from '../../../errors.js';
import type { ProcessSupervisor } from '../../../processes/process-supervisor.js';
import type { SupervisedChild } from '../../../processes/supervised-child.js';

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

export function toProcessInfo(child: SupervisedChild, crashLoop: { limit: number; windowMs: number }): ProcessInfo {
  return {
    id: child.id,
    kind: child.spec.kind,
    name: child.spec.name,
    status: child.status,
    pid: child.pid ?? null,
    restarts: child.restarts,
    startedAt: iso(child.startedAt),
    rssBytes: child.rssBytes ?? null,
    lastHeartbeatAt: iso(child.lastHeartbeatAt),
    lastExit: child.lastExit ?? null,
    failureReason: child.failureReason,
    crashLoop: {
      recentCrashes: child.recentCrashes,
      limit: crashLoop.limit,
      windowS: Math.round(crashLoop.windowMs / 1000),
      failed: child.status === 'failed',
      failedAt: child.failedAt,
    },
  };
}

export interface ProcessRoutesDeps {
  supervisor: ProcessSupervisor;
  crashLoop: { limit: number; windowMs: number };
}

/** `/api/processes` (admin): the supervised children, their recent output, and a restart. */
export function processRoutes(deps: ProcessRoutesDeps): FastifyPluginAsyncTypebox {
  const find = (id: string) => {
    const child = deps.supervisor.get(id);
    if (!child) throw new NotFoundError('Process');
    return child;
  };
  return async (app) => {
    const tags = ['processes'];
    app.get('/', { config: { access: 'admin' }, schema: { tags, response: { 200: ProcessList } } }, async () => ({
      processes: deps.supervisor.list().map((c) => toProcessInfo(c, deps.crashLoop)),
    }));
    app.get(
      '/:id/logs',
      {
        config: { access: 'admin' },
        schema: { tags, params: IdParams, response: { 200: ProcessLogs, 404: AdminErrorBody } },
      },
      async (request) => ({ id: request.params.id, lines: find(request.params.id).logs() }),
    );
    app.post(
      '/:id/restart',
      {
        config: { access: 'admin', audit: 'processes.restart' },
        schema: { tags, params: IdParams, response: { 200: Ok, 404: AdminErrorBody } },
      },
      async (request) => {
        find(request.params.id).restart('restarted by an admin');
        return { ok: true as const };
      },
    );
  };
}
