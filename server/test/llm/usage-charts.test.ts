import type { UsageRecord } from '../../src/core/llm/records.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLlmHarness, type LlmHarness } from './helpers.js';

const DAY_MS = 86_400_000;

function row(provider: string, at: number, durationMs: number, ttftMs: number | null, outcome = 'ok'): UsageRecord {
  return {
    at,
    route: 'secretary',
    provider,
    model: `${provider}-model`,
    channel: 'v1',
    instanceId: null,
    userId: null,
    apiKeyId: null,
    promptTokens: 10,
    completionTokens: 5,
    ttftMs,
    durationMs,
    costUsd: 0.001,
    attempts: 1,
    outcome: outcome as UsageRecord['outcome'],
  };
}

describe('/api/usage for the charts: per-provider series and latency percentiles', () => {
  let h: LlmHarness;
  const now = Date.now();
  const yesterday = now - DAY_MS;

  beforeAll(async () => {
    h = await startLlmHarness();
    // 20 calls of "alpha" taking 100..2000 ms (TTFT a tenth of that), 4 of "beta" yesterday, and rows
    // that must not count: an error and an FAQ answer with tiny durations.
    const rows = Array.from({ length: 20 }, (_, i) => row('alpha', now - 1000 - i, (i + 1) * 100, (i + 1) * 10));
    rows.push(...[400, 100, 300, 200].map((ms) => row('beta', yesterday, ms, null)));
    rows.push(row('alpha', now - 10, 1, 1, 'error'), row('faq', now - 10, 1, 0, 'faq'));
    await h.rt.stores.llm.usage.insertMany(rows);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('gives TTFT and total p50/p95 per provider and overall', async () => {
    const latency = await h.api('GET', '/api/usage/latency');
    expect(latency.providers).toEqual([
      { key: 'alpha', samples: 20, ttftP50Ms: 100, ttftP95Ms: 190, totalP50Ms: 1000, totalP95Ms: 1900 },
      { key: 'beta', samples: 4, ttftP50Ms: null, ttftP95Ms: null, totalP50Ms: 200, totalP95Ms: 400 },
    ]);
    expect(latency.total).toMatchObject({ key: 'all', samples: 24, totalP50Ms: 800, totalP95Ms: 1900 });
  });

  it('limits the percentiles to the window asked for', async () => {
    const from = new Date(now - 60_000).toISOString();
    const latency = await h.api('GET', `/api/usage/latency?from=${from}`);
    expect(latency.providers.map((p: { key: string }) => p.key)).toEqual(['alpha']);
    const bad = await h.api('GET', `/api/usage/latency?from=${from}&to=${from}`, undefined, 400);
    expect(bad.error.code).toBe('VALIDATION_FAILED');
    await h.api('GET', '/api/usage/latency?from=yesterday', undefined, 400);
  });

  it('splits the daily series per provider', async () => {
    const series = await h.api('GET', '/api/usage/series?bucket=day&groupBy=provider');
    const today = Math.floor(now / DAY_MS) * DAY_MS;
    const alpha = series.points.find((p: { key: string; at: string }) => p.key === 'alpha');
    expect(alpha).toMatchObject({ at: new Date(today).toISOString(), requests: 21, promptTokens: 210 });
    const beta = series.points.find((p: { key: string }) => p.key === 'beta');
    expect(beta).toMatchObject({ requests: 4, completionTokens: 20 });
    expect(Date.parse(beta.at)).toBeLessThan(today);
    const plain = await h.api('GET', '/api/usage/series?bucket=day');
    expect(plain.points.every((p: object) => !('key' in p))).toBe(true);
  });

  it('counts a real chat with its measured latency', async () => {
    await h.client.chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: 'hi' }] });
    const latency = await h.api('GET', `/api/usage/latency?from=${new Date(now).toISOString()}`);
    const real = latency.providers.find((p: { key: string }) => p.key !== 'alpha');
    expect(real.samples).toBe(1);
    expect(real.ttftP50Ms).not.toBeNull();
    expect(real.totalP50Ms).toBeGreaterThanOrEqual(real.ttftP50Ms);
  });

  it('stores a flush of several hundred rows whole, in several statements, with every field', async () => {
    const before = Date.UTC(2020, 0, 1);
    const rows = Array.from({ length: 257 }, (_, i) => ({
      ...row('bulk', before + i, 1000 + i, i % 2 ? null : i),
      instanceId: 'bot-1',
      userId: null,
      apiKeyId: `key-${i % 3}`,
      costUsd: i / 1000,
    }));
    await h.rt.stores.llm.usage.insertMany(rows);
    const range = { from: before, to: before + 1000 };
    const [all] = await h.rt.stores.llm.usage.totals(range, null);
    expect(all).toMatchObject({ requests: 257, promptTokens: 2570, completionTokens: 1285 });
    expect(all!.costUsd).toBeCloseTo(
      rows.reduce((sum, r) => sum + r.costUsd, 0),
      6,
    );
    const byKey = await h.rt.stores.llm.usage.totals(range, 'api_key');
    expect(byKey.map((g) => [g.key, g.requests])).toEqual([
      ['key-0', 86],
      ['key-1', 86],
      ['key-2', 85],
    ]);
  });
});
