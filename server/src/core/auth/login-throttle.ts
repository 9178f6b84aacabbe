import { RateLimitError } from '../../errors.js';
import type { Clock } from '../clock.js';

export interface LoginThrottleOptions {
  maxFailuresPerUser: number;
  maxFailuresPerIp: number;
  windowMs: number;
  clock: Clock;
}

/**
 * Counts failed logins per username and per IP in a sliding window. Once either count reaches its
 * limit, further attempts are refused (even with the right password) until the oldest failure ages out.
 */
export function createLoginThrottle(options: LoginThrottleOptions) {
  const failures = new Map<string, number[]>();

  function recent(key: string): number[] {
    const since = options.clock() - options.windowMs;
    const kept = (failures.get(key) ?? []).filter((t) => t > since);
    if (kept.length === 0) failures.delete(key);
    else failures.set(key, kept);
    return kept;
  }

  function check(key: string, limit: number): void {
    const times = recent(key);
    if (times.length < limit) return;
    const retryAfterS = Math.max(1, Math.ceil((times[0]! + options.windowMs - options.clock()) / 1000));
    throw new RateLimitError('AUTH_THROTTLED', `Too many failed logins; try again in ${retryAfterS} s`, retryAfterS);
  }

  const userKey = (username: string) => `u:${username.toLowerCase()}`;
  const ipKey = (ip: string) => `ip:${ip}`;

  return {
    assertAllowed(username: string, ip: string): void {
      check(ipKey(ip), options.maxFailuresPerIp);
      check(userKey(username), options.maxFailuresPerUser);
    },
    recordFailure(username: string, ip: string): void {
      const now = options.clock();
      for (const key of [userKey(username), ipKey(ip)]) failures.set(key, [...recent(key), now]);
    },
    recordSuccess(username: string): void {
      failures.delete(userKey(username));
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
