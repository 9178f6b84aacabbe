import type { LiveStatus } from '@ai-secretary/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLiveFeed, type LiveSources } from './live-feed.js';

describe('live feed', () => {
  let chats: number;
  let reads: number;
  let counterFails: boolean;
  const errors: unknown[] = [];
  const sources: LiveSources = {
    components: async () => [{ name: 'database', ok: true }],
    modem: () => null,
    providers: () => [],
    workers: () => [],
    counters: async () => {
      reads++;
      if (counterFails) throw new Error('db down');
      return { calls: 0, sms: 0, chats, tokens: chats * 10 };
    },
  };
  const feed = () =>
    createLiveFeed({ sources, clock: () => Date.now(), intervalMs: 1000, onError: (e) => errors.push(e) });

  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 21, 12) });
    chats = 0;
    reads = 0;
    counterFails = false;
    errors.length = 0;
  });
  afterEach(() => vi.useRealTimers());

  it('reads once per interval for all listeners and hands over only changes', async () => {
    const live = feed();
    const a: LiveStatus[] = [];
    const b: LiveStatus[] = [];
    const stopA = live.subscribe((s) => a.push(s));
    await vi.advanceTimersByTimeAsync(0);
    const stopB = live.subscribe((s) => b.push(s));
    expect(a.map((s) => s.today.chats)).toEqual([0]);
    expect(b.map((s) => s.today.chats)).toEqual([0]); // the current status at once
    await vi.advanceTimersByTimeAsync(3000);
    expect(a).toHaveLength(1); // nothing changed, only the timestamp
    chats = 2;
    await vi.advanceTimersByTimeAsync(1000);
    expect(a.map((s) => s.today.chats)).toEqual([0, 2]);
    expect(b.map((s) => s.today.chats)).toEqual([0, 2]);
    expect(a[0]!.today.since).toBe(new Date(Date.UTC(2026, 10, 21)).toISOString());
    expect(reads).toBe(5);
    stopA();
    stopB();
    await vi.advanceTimersByTimeAsync(5000);
    expect(reads).toBe(5); // nobody listens: no reads
    expect(live.listenerCount()).toBe(0);
  });

  it('keeps going when a source fails, with zero counters and the error reported', async () => {
    counterFails = true;
    const seen: LiveStatus[] = [];
    const stop = feed().subscribe((s) => seen.push(s));
    await vi.advanceTimersByTimeAsync(0);
    expect(seen[0]).toMatchObject({ ready: true, today: { chats: 0 } });
    expect(errors).toHaveLength(1);
    counterFails = false;
    chats = 1;
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen.at(-1)!.today.chats).toBe(1);
    stop();
  });
});
