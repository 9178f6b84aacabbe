import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AdminErrorBody,
  UsageLatency,
  UsageLatencyQuery,
  UsageSeries,
  UsageSeriesQuery,
  UsageSummary,
  UsageSummaryQuery,
} from '@ai-secretary/protocol';
import { toIso } from '../../../core/clock.js';
import type { UsageService } from '../../../core/llm/usage.js';
import { ValidationError } from '../../../errors.js';
import { errors } from './views.js';

const tags = ['usage'];
const DAY_MS = 86_400_000;
const BUCKETS = { hour: 3_600_000, day: DAY_MS } as const;

function range(query: { from?: string; to?: string }, now: number): { from: number; to: number } {
  const to = query.to ? Date.parse(query.to) : now + 1;
  const from = query.from ? Date.parse(query.from) : to - 30 * DAY_MS;
  if (!(from < to)) throw new ValidationError('"from" must be before "to"');
  return { from, to };
}

/** `/api/usage`: totals (optionally grouped) and a time series for charts. */
export const usageRoutes: FastifyPluginAsyncTypebox<{ usage: UsageService; clock: () => number }> = async (
  app,
  { usage, clock },
) => {
  app.get(
    '/',
    {
      config: { access: 'admin' },
      schema: { tags, querystring: UsageSummaryQuery, response: { 200: UsageSummary, ...errors(AdminErrorBody) } },
    },
    async (request) => {
      const window = range(request.query, clock());
      const groupBy = (request.query.groupBy ?? null) as Parameters<UsageService['totals']>[1];
      const [total] = await usage.totals(window, null);
      const groups = groupBy ? await usage.totals(window, groupBy) : [];
      const empty = { key: 'all', requests: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 };
      return { from: toIso(window.from), to: toIso(window.to), total: { ...(total ?? empty), key: 'all' }, groups };
    },
  );

  app.get(
    '/series',
    {
      config: { access: 'admin' },
      schema: { tags, querystring: UsageSeriesQuery, response: { 200: UsageSeries, ...errors(AdminErrorBody) } },
    },
    async (request) => {
      const bucket = request.query.bucket ?? 'hour';
      const byProvider = request.query.groupBy === 'provider';
      const rows = await usage.series(range(request.query, clock()), BUCKETS[bucket], byProvider);
      const points = rows.map(({ bucket: at, provider, ...totals }) => ({
        at: toIso(at),
        ...(provider === undefined ? {} : { key: provider }),
        ...totals,
      }));
      return { bucket, points };
    },
  );

  app.get(
    '/latency',
    {
      config: { access: 'admin' },
      schema: { tags, querystring: UsageLatencyQuery, response: { 200: UsageLatency, ...errors(AdminErrorBody) } },
    },
    async (request) => {
      const window = range(request.query, clock());
      return { from: toIso(window.from), to: toIso(window.to), ...(await usage.latency(window)) };
    },
  );
};
