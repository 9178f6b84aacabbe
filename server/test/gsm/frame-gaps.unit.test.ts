import { EventEmitter } from 'node:events';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { observeFrameGaps } from '../../src/channels/gsm/metrics.js';
import type { CallManagerEvents } from '../../src/core/gsm/call-manager.js';
import type { GsmCallRecord } from '../../src/core/gsm/store-types.js';

async function bucketCounts(registry: Registry): Promise<Map<string, number>> {
  const [metric] = (await registry.getMetricsAsJSON()).filter((m) => m.name === 'gsm_downlink_frame_gap_seconds');
  const counts = new Map<string, number>();
  for (const v of metric!.values as Array<{ metricName?: string; labels: { le?: string | number }; value: number }>) {
    if (v.metricName?.endsWith('_bucket')) counts.set(String(v.labels.le), v.value);
  }
  return counts;
}

describe('gsm_downlink_frame_gap_seconds (issue 19, item 10)', () => {
  it('sees stalls over 1 s, in buckets above 1 s, and not the pause between two calls', async () => {
    const registry = new Registry();
    const calls = new EventEmitter<CallManagerEvents>();
    const observe = observeFrameGaps(registry, calls);
    const record = {} as GsmCallRecord;
    calls.emit('callStarted', record);
    observe(0);
    observe(20);
    observe(3_520); // the caller heard nothing for 3.5 s
    observe(3_540);
    calls.emit('callEnded', record);
    calls.emit('callStarted', record);
    observe(600_000); // the next call, ten minutes later
    observe(600_020);
    const counts = await bucketCounts(registry);
    expect(counts.get('0.02')).toBe(3);
    expect(counts.get('1')).toBe(3);
    expect(counts.get('2')).toBe(3);
    expect(counts.get('5')).toBe(4);
    expect(counts.get('+Inf')).toBe(4);
  });
});
