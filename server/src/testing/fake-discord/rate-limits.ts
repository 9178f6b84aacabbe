import { createHash } from 'node:crypto';

export interface BucketState {
  limit: number;
  remaining: number;
  resetAtMs: number;
  bucket: string;
}

interface Window {
  startedAtMs: number;
  used: number;
}

/**
 * Discord's per-route buckets: `limit` requests per `windowMs` per route and major parameter (channel, guild,
 * webhook). Every response carries the bucket's headers; a request beyond the limit is refused with 429.
 */
export class RateLimits {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts one request; `admitted: false` when the bucket was already empty. */
  take(route: string, params: Record<string, string>, nowMs = Date.now()): BucketState & { admitted: boolean } {
    const key = bucketKey(route, params);
    const window = this.current(key, nowMs);
    const admitted = window.used < this.limit;
    if (admitted) window.used += 1;
    return { ...this.state(key, window), admitted };
  }

  /** Headers of an answer from this bucket (Retry-After added by the caller for a 429). */
  static headers(state: BucketState, nowMs = Date.now()): Record<string, string> {
    const resetAfterS = Math.max(0, state.resetAtMs - nowMs) / 1000;
    return {
      'x-ratelimit-limit': String(state.limit),
      'x-ratelimit-remaining': String(state.remaining),
      'x-ratelimit-reset': (state.resetAtMs / 1000).toFixed(3),
      'x-ratelimit-reset-after': resetAfterS.toFixed(3),
      'x-ratelimit-bucket': state.bucket,
    };
  }

  private current(key: string, nowMs: number): Window {
    const existing = this.windows.get(key);
    if (existing && nowMs - existing.startedAtMs < this.windowMs) return existing;
    const fresh = { startedAtMs: nowMs, used: 0 };
    this.windows.set(key, fresh);
    return fresh;
  }

  private state(key: string, window: Window): BucketState {
    return {
      limit: this.limit,
      remaining: Math.max(0, this.limit - window.used),
      resetAtMs: window.startedAtMs + this.windowMs,
      bucket: createHash('sha1').update(key.split('|')[0]!).digest('hex').slice(0, 16),
    };
  }
}

const MAJOR_PARAMS = ['channelId', 'guildId', 'webhookId'];

function bucketKey(route: string, params: Record<string, string>): string {
  const major = MAJOR_PARAMS.map((name) => params[name]).find((value) => value !== undefined) ?? 'global';
  return `${route}|${major}`;
}
