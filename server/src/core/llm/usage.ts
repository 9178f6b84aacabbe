import { NotFoundError } from '../../errors.js';
import type { Clock } from '../clock.js';
import { newId } from '../ids.js';
import type {
  LatencyRow,
  LimitRecord,
  LimitScope,
  LimitStore,
  PriceRecord,
  PriceStore,
  UsageQuery,
  UsageRecord,
  UsageStore,
  UsageTotals,
} from './records.js';
import type { TokenUsage } from './types.js';

const DAY_MS = 86_400_000;
/** Usage rows are written in batches, off the request path; readers flush first. */
const FLUSH_INTERVAL_MS = 250;
const FLUSH_BATCH = 500;

export interface LimitSubjects {
  route: string;
  instanceId: string | null;
  apiKeyId: string | null;
  userId?: string | null;
}

export interface UsageServiceDeps {
  usage: UsageStore;
  prices: PriceStore;
  limits: LimitStore;
  clock: Clock;
  onError: (error: unknown) => void;
}

/** Percentiles are computed over at most this many of the newest calls in the window. */
const LATENCY_SAMPLE_LIMIT = 20_000;

export interface LatencySummary {
  key: string;
  samples: number;
  ttftP50Ms: number | null;
  ttftP95Ms: number | null;
  totalP50Ms: number | null;
  totalP95Ms: number | null;
}

/** Nearest-rank percentile of ascending `sorted` values (null when empty). */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? null;
}

function latencyOf(key: string, rows: readonly LatencyRow[]): LatencySummary {
  const ascending = (values: number[]) => values.sort((a, b) => a - b);
  const ttft = ascending(rows.flatMap((r) => (r.ttftMs === null ? [] : [r.ttftMs])));
  const total = ascending(rows.map((r) => r.durationMs));
  return {
    key,
    samples: rows.length,
    ttftP50Ms: percentile(ttft, 50),
    ttftP95Ms: percentile(ttft, 95),
    totalP50Ms: percentile(total, 50),
    totalP95Ms: percentile(total, 95),
  };
}

/** TTFT and total-duration p50/p95 for all calls and per provider (sorted by name). */
export function summarizeLatency(rows: readonly LatencyRow[]): { total: LatencySummary; providers: LatencySummary[] } {
  const byProvider = new Map<string, LatencyRow[]>();
  for (const row of rows) {
    const list = byProvider.get(row.provider);
    if (list) list.push(row);
    else byProvider.set(row.provider, [row]);
  }
  const providers = [...byProvider.keys()].sort().map((key) => latencyOf(key, byProvider.get(key) ?? []));
  return { total: latencyOf('all', rows), providers };
}

/** The counter subject of one user within an instance (`instance_user` limits). */
export const userSubject = (instanceId: string, userId: string) => `${instanceId}|${userId}`;

const emptyTotals = (): UsageTotals => ({ requests: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 });

function metricValue(totals: UsageTotals, metric: LimitRecord['metric']): number {
  if (metric === 'requests') return totals.requests;
  if (metric === 'tokens') return totals.promptTokens + totals.completionTokens;
  return totals.costUsd;
}

/**
 * Records every LLM call, prices it, and enforces daily limits (UTC days). Writes are batched off
 * the request path; today's per-subject totals are kept in memory (seeded from the database once
 * per subject and day), so checking a limit costs no query on the hot path.
 */
export function createUsageService(deps: UsageServiceDeps) {
  let prices = new Map<string, PriceRecord>();
  let limits: LimitRecord[] = [];
  const counters = new Map<string, UsageTotals>();
  let pending: UsageRecord[] = [];
  let flushing: Promise<void> = Promise.resolve();
  let scheduled = false;

  async function reload(): Promise<void> {
    prices = new Map((await deps.prices.list()).map((p) => [p.model, p]));
    limits = await deps.limits.list();
  }

  function cost(model: string, usage: Pick<TokenUsage, 'promptTokens' | 'completionTokens'>): number {
    const price = prices.get(model);
    if (!price) return 0;
    return (usage.promptTokens * price.inputPerMillionUsd + usage.completionTokens * price.outputPerMillionUsd) / 1e6;
  }

  /** Blended price per million tokens, or null when the model has no price. */
  function unitPrice(model: string): number | null {
    const price = prices.get(model);
    return price ? price.inputPerMillionUsd + price.outputPerMillionUsd : null;
  }

  const day = (at: number) => Math.floor(at / DAY_MS);
  const counterKey = (scope: LimitScope, subject: string, at: number) => `${scope}:${subject}:${day(at)}`;

  function subjectsOf(record: LimitSubjects): Array<[LimitScope, string]> {
    const list: Array<[LimitScope, string]> = [['route', record.route]];
    if (record.instanceId) list.push(['instance', record.instanceId]);
    if (record.apiKeyId) list.push(['api_key', record.apiKeyId]);
    if (record.instanceId && record.userId) list.push(['instance_user', userSubject(record.instanceId, record.userId)]);
    return list;
  }

  /** What a limit counts for this request: the limit's subject, or (per user) the subject and the user. */
  const countedSubject = (limit: LimitRecord, subjects: LimitSubjects) =>
    limit.scope === 'instance_user' && subjects.userId ? userSubject(limit.subject, subjects.userId) : limit.subject;

  function record(entry: UsageRecord): void {
    for (const [scope, subject] of subjectsOf(entry)) {
      const totals = counters.get(counterKey(scope, subject, entry.at));
      if (totals) addTo(totals, entry);
    }
    pending.push(entry);
    if (pending.length >= FLUSH_BATCH) void flush();
    else if (!scheduled) {
      scheduled = true;
      setTimeout(() => void flush(), FLUSH_INTERVAL_MS).unref();
    }
  }

  function addTo(totals: UsageTotals, entry: UsageRecord): void {
    if (entry.outcome === 'faq') return;
    totals.requests += 1;
    totals.promptTokens += entry.promptTokens;
    totals.completionTokens += entry.completionTokens;
    totals.costUsd += entry.costUsd;
  }

  /** Writes buffered records; resolves when everything recorded so far is stored. */
  function flush(): Promise<void> {
    scheduled = false;
    const batch = pending;
    pending = [];
    flushing = flushing.then(async () => {
      if (batch.length > 0) await deps.usage.insertMany(batch).catch(deps.onError);
    });
    return flushing;
  }

  async function todayTotals(scope: LimitScope, subject: string): Promise<UsageTotals> {
    const now = deps.clock();
    const key = counterKey(scope, subject, now);
    const cached = counters.get(key);
    if (cached) return cached;
    await flush();
    const totals = await deps.usage.subjectTotals(scope, subject, day(now) * DAY_MS);
    counters.set(key, counters.get(key) ?? totals);
    return counters.get(key) ?? emptyTotals();
  }

  /** The daily limits this request has already used up. */
  async function exceeded(subjects: LimitSubjects): Promise<LimitRecord[]> {
    if (limits.length === 0) return [];
    const wanted = new Set(subjectsOf(subjects).map(([scope, subject]) => `${scope}:${subject}`));
    const over: LimitRecord[] = [];
    for (const limit of limits) {
      const subject = countedSubject(limit, subjects);
      if (!wanted.has(`${limit.scope}:${subject}`)) continue;
      const totals = await todayTotals(limit.scope, subject);
      if (metricValue(totals, limit.metric) >= limit.dailyMax) over.push(limit);
    }
    return over;
  }

  async function addLimit(input: Omit<LimitRecord, 'id' | 'createdAt'>): Promise<LimitRecord> {
    const limit: LimitRecord = { ...input, id: newId(), createdAt: deps.clock() };
    await deps.limits.insert(limit);
    await reload();
    return limit;
  }

  async function removeLimit(id: string): Promise<void> {
    if (!limits.some((l) => l.id === id)) throw new NotFoundError('Limit');
    await deps.limits.remove(id);
    await reload();
  }

  async function setPrice(input: Omit<PriceRecord, 'updatedAt'>): Promise<PriceRecord> {
    const price: PriceRecord = { ...input, updatedAt: deps.clock() };
    await deps.prices.upsert(price);
    await reload();
    return price;
  }

  async function removePrice(model: string): Promise<void> {
    if (!prices.has(model)) throw new NotFoundError('Price');
    await deps.prices.remove(model);
    await reload();
  }

  async function limitStatus(): Promise<Array<LimitRecord & { used: number }>> {
    const rows = [];
    for (const limit of limits) {
      rows.push({ ...limit, used: metricValue(await todayTotals(limit.scope, limit.subject), limit.metric) });
    }
    return rows;
  }

  return {
    reload,
    cost,
    unitPrice,
    record,
    flush,
    exceeded,
    /** Today's (UTC) totals of one limit subject, e.g. an instance. */
    today: todayTotals,
    addLimit,
    removeLimit,
    setPrice,
    removePrice,
    limitStatus,
    listLimits: () => limits,
    listPrices: () => [...prices.values()].sort((a, b) => a.model.localeCompare(b.model)),
    async totals(query: UsageQuery, groupBy: Parameters<UsageStore['totals']>[1]) {
      await flush();
      return deps.usage.totals(query, groupBy);
    },
    async series(query: UsageQuery, bucketMs: number, byProvider = false) {
      await flush();
      return deps.usage.series(query, bucketMs, byProvider);
    },
    async latency(query: UsageQuery) {
      await flush();
      return summarizeLatency(await deps.usage.latencies(query, LATENCY_SAMPLE_LIMIT));
    },
  };
}

export type UsageService = ReturnType<typeof createUsageService>;
