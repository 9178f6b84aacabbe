import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TELEGRAM_SETTINGS } from '../../src/core/telegram/bots-service.js';
import type { TelegramEventRecord } from '../../src/core/telegram/types.js';
import { createTestRuntime, type TestRuntime } from '../helpers/runtime.js';

const event = (patch: Partial<TelegramEventRecord>): TelegramEventRecord => ({
  botId: 'b1',
  chatId: 5_000_000_001,
  type: 'step.shown',
  step: 'welcome',
  segment: null,
  source: 'ad-1',
  variant: null,
  data: null,
  dedupeKey: null,
  at: 1_000,
  ...patch,
});

describe('telegram funnel events store', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime();
    await rt.stores.telegram.bots.insert({
      id: 'b1',
      name: 'Sales',
      tokenSealed: 'x',
      tokenHint: '…',
      telegramId: 1,
      username: 'sales_bot',
      settings: DEFAULT_TELEGRAM_SETTINGS,
      autoStart: false,
      desired: 'stopped',
      webhookSecretSealed: null,
      createdAt: 0,
      updatedAt: 0,
    });
  });
  afterAll(async () => {
    await rt.dispose();
  });

  it('records events once per dedupe key, and lists them by time and type', async () => {
    const events = rt.stores.telegram.events;
    expect(await events.record(event({ at: 1_000 }))).toBe(true);
    expect(await events.record(event({ type: 'step.answered', at: 2_000, data: { answer: 'yes' } }))).toBe(true);
    const sent = event({ type: 'followup.sent', at: 3_000, dedupeKey: 'followup:r1:5000000001:1' });
    expect(await events.record(sent)).toBe(true);
    expect(await events.record({ ...sent, at: 3_500 })).toBe(false);
    // Events without a key are never deduplicated.
    expect(await events.record(event({ at: 4_000 }))).toBe(true);

    const all = await events.list('b1');
    expect(all.map((e) => [e.type, e.at])).toEqual([
      ['step.shown', 1_000],
      ['step.answered', 2_000],
      ['followup.sent', 3_000],
      ['step.shown', 4_000],
    ]);
    expect(all[0]!.chatId).toBe(5_000_000_001);
    expect(all[1]!.data).toEqual({ answer: 'yes' });
    const window = await events.list('b1', {
      sinceMs: 2_000,
      untilMs: 4_000,
      types: ['step.answered', 'followup.sent'],
    });
    expect(window.map((e) => e.type)).toEqual(['step.answered', 'followup.sent']);
    expect(await events.list('other')).toEqual([]);
  });
});
