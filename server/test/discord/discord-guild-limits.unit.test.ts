import { describe, expect, it } from 'vitest';
import { LimitExceededError } from '../../src/errors.js';
import type { LimitRecord, PriceRecord, UsageRecord, UsageTotals } from '../../src/core/llm/records.js';
import type { ProviderHandle, ProviderRegistry } from '../../src/core/llm/provider-registry.js';
import { applyLimits } from '../../src/core/llm/router/limits.js';
import type { Plan } from '../../src/core/llm/router/types.js';
import { createUsageService, userSubject } from '../../src/core/llm/usage.js';

const GUILD = 'discord:bot-1:222';
const NOW = Date.UTC(2026, 11, 4, 12);
const empty = (): UsageTotals => ({ requests: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 });

/** Usage service over in-memory stores (nothing used before today). */
async function usageWith(limits: LimitRecord[], prices: PriceRecord[] = []) {
  const usage = createUsageService({
    usage: {
      insertMany: async () => undefined,
      totals: async () => [],
      series: async () => [],
      latencies: async () => [],
      subjectTotals: async () => empty(),
    },
    prices: { list: async () => prices, upsert: async () => undefined, remove: async () => undefined },
    limits: { list: async () => limits, insert: async () => undefined, remove: async () => undefined },
    clock: () => NOW,
    onError: (error) => {
      throw error;
    },
  });
  await usage.reload();
  return usage;
}

const limit = (scope: LimitRecord['scope'], action: LimitRecord['action'] = 'refuse'): LimitRecord => ({
  id: `${scope}-limit`,
  scope,
  subject: GUILD,
  metric: 'tokens',
  dailyMax: 10,
  action,
  createdAt: 0,
});

const call = (userId: string, tokens: number): UsageRecord => ({
  at: NOW,
  route: 'big-model',
  provider: 'p',
  model: 'big-model',
  channel: 'discord',
  instanceId: GUILD,
  userId,
  apiKeyId: null,
  promptTokens: tokens,
  completionTokens: 0,
  ttftMs: null,
  durationMs: 1,
  costUsd: 0,
  attempts: 1,
  outcome: 'ok',
});

describe('per-member daily limits (scope instance_user)', () => {
  it('counts each member of an instance on their own', async () => {
    const usage = await usageWith([limit('instance_user')]);
    const subjects = (userId: string) => ({ route: 'big-model', instanceId: GUILD, apiKeyId: null, userId });
    expect(await usage.exceeded(subjects('discord:alice'))).toEqual([]);
    expect(await usage.exceeded(subjects('discord:bob'))).toEqual([]);
    usage.record(call('discord:alice', 12));
    expect((await usage.exceeded(subjects('discord:alice'))).map((l) => l.id)).toEqual(['instance_user-limit']);
    expect(await usage.exceeded(subjects('discord:bob'))).toEqual([]);
    expect((await usage.today('instance_user', userSubject(GUILD, 'discord:alice'))).promptTokens).toBe(12);
  });

  it('does not apply to a request without a user or of another instance', async () => {
    const usage = await usageWith([limit('instance_user')]);
    await usage.today('instance_user', userSubject(GUILD, 'discord:alice'));
    usage.record(call('discord:alice', 12));
    expect(
      (await usage.exceeded({ route: 'big-model', instanceId: GUILD, apiKeyId: null, userId: 'discord:alice' })).length,
    ).toBe(1);
    expect(await usage.exceeded({ route: 'big-model', instanceId: GUILD, apiKeyId: null })).toEqual([]);
    const elsewhere = { route: 'big-model', instanceId: 'discord:bot-1:333', apiKeyId: null, userId: 'discord:alice' };
    expect(await usage.exceeded(elsewhere)).toEqual([]);
  });
});

describe('a downgrading limit and the server’s allowed fallback models', () => {
  const handle = (name: string, models: string[]) =>
    ({ record: { name, enabled: true, models } }) as unknown as ProviderHandle;
  const big = handle('big', ['big-model']);
  const registry = {
    handles: () => [big, handle('cheap', ['small-model']), handle('tiny', ['tiny-model'])],
  } as unknown as ProviderRegistry;
  const plan = { route: 'big-model', candidates: [{ handle: big, model: 'big-model' }] } as unknown as Plan;
  const prices: PriceRecord[] = [
    { model: 'big-model', inputPerMillionUsd: 10, outputPerMillionUsd: 30, updatedAt: 0 },
    { model: 'small-model', inputPerMillionUsd: 1, outputPerMillionUsd: 3, updatedAt: 0 },
    { model: 'tiny-model', inputPerMillionUsd: 0.1, outputPerMillionUsd: 0.3, updatedAt: 0 },
  ];
  const over = async () => {
    const usage = await usageWith([limit('instance', 'downgrade')], prices);
    await usage.today('instance', GUILD); // today's counter, kept in memory from here on
    usage.record(call('discord:alice', 12));
    return { usage, registry };
  };
  const request = (fallbackModels?: string[]) => ({
    route: 'big-model',
    messages: [],
    channel: 'discord',
    instanceId: GUILD,
    ...(fallbackModels ? { fallbackModels } : {}),
  });

  it('without a list downgrades to the next cheaper priced model', async () => {
    const models = (await applyLimits(await over(), plan, request())).map((c) => c.model);
    expect(models).toEqual(['small-model', 'tiny-model']);
  });

  it('with a list only to the cheaper models on it (by model or provider/model)', async () => {
    expect((await applyLimits(await over(), plan, request(['tiny-model']))).map((c) => c.model)).toEqual([
      'tiny-model',
    ]);
    expect((await applyLimits(await over(), plan, request(['cheap/small-model']))).map((c) => c.model)).toEqual([
      'small-model',
    ]);
  });

  it('refuses when no allowed model is cheaper', async () => {
    await expect(applyLimits(await over(), plan, request([]))).rejects.toBeInstanceOf(LimitExceededError);
    await expect(applyLimits(await over(), plan, request(['big-model']))).rejects.toBeInstanceOf(LimitExceededError);
  });
});
