/** At most `limit` events per key in any `windowMs`; `take` answers 0 (go ahead) or the seconds to wait. */
export function createSlidingWindow(clock: () => number, maxKeys = 10_000) {
  const events = new Map<string, number[]>();
  return {
    take(key: string, limit: number, windowMs: number): number {
      const now = clock();
      const recent = (events.get(key) ?? []).filter((at) => at > now - windowMs);
      if (recent.length >= limit) return Math.max(1, Math.ceil((recent[0]! + windowMs - now) / 1000));
      if (events.size >= maxKeys && !events.has(key)) events.clear();
      events.set(key, [...recent, now]);
      return 0;
    },
  };
}
