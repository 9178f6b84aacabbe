import type { Clock } from './clock.js';

/**
 * Token bucket per key: `perMinute` requests may burst, refilled continuously.
 * Returns 0 when a request may go ahead, else the seconds to wait.
 */
export function createRateLimiter(clock: Clock, maxKeys = 10_000) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key: string, perMinute: number): number {
      const now = clock();
      const bucket = buckets.get(key) ?? { tokens: perMinute, at: now };
      bucket.tokens = Math.min(perMinute, bucket.tokens + ((now - bucket.at) * perMinute) / 60_000);
      bucket.at = now;
      if (buckets.size >= maxKeys && !buckets.has(key)) buckets.clear();
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil(((1 - bucket.tokens) * 60) / perMinute));
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
