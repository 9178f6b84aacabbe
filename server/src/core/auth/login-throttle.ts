import { RateLimitError } from '../../errors.js';
import type { Clock } from '../clock.js';
import type { LoginFailureRecord, LoginFailureStore } from './types.js';

export interface LoginThrottleOptions {
  store: LoginFailureStore;
  /** Wrong passwords for one username from one address before delays start. */
  maxFailuresPerUser: number;
  /** Wrong passwords from one address (all usernames together) before delays start. */
  maxFailuresPerIp: number;
  /** Failures are forgotten after this long without another one (counted from the end of the delay). */
  windowMs: number;
  /** The first delay; each further failure doubles it, up to `maxDelayMs`. */
  firstDelayMs: number;
  maxDelayMs: number;
  clock: Clock;
}

/** One login attempt that passed the throttle; settle it once the password has been checked. */
export interface LoginAttempt {
  failed(): Promise<void>;
  succeeded(): Promise<void>;
  /** Always call (finally): the attempt no longer counts as in flight. */
  release(): void;
}

const ANY_USERNAME = '';

/**
 * Growing delays after failed logins, counted per (username, address) and per address, never per
 * username alone: someone guessing the admin's password from one address makes that address wait
 * (1 s, 2 s, 4 s … up to the cap) while the real admin signs in from anywhere else. Counts live in
 * the database, so a restart does not reset them and the CLI can clear them.
 */
export function createLoginThrottle(options: LoginThrottleOptions) {
  const inFlight = new Map<string, number>();
  const flightKey = (ip: string, username: string) => `${ip}\n${username}`;
  const flying = (ip: string, username: string) => inFlight.get(flightKey(ip, username)) ?? 0;

  function delayMs(failures: number, free: number): number {
    if (failures < free) return 0;
    return Math.min(options.maxDelayMs, options.firstDelayMs * 2 ** Math.min(failures - free, 30));
  }

  const freeFor = (username: string) =>
    username === ANY_USERNAME ? options.maxFailuresPerIp : options.maxFailuresPerUser;

  function isQuiet(record: LoginFailureRecord, now: number): boolean {
    return now > record.lastFailureAt + delayMs(record.failures, freeFor(record.username)) + options.windowMs;
  }

  /** How long this count makes the address wait; attempts already in flight count as failures. */
  function waitMs(record: LoginFailureRecord | undefined, ip: string, username: string, now: number): number {
    const free = freeFor(username);
    const failures = record === undefined || isQuiet(record, now) ? 0 : record.failures;
    const pending = flying(ip, username);
    if (failures + pending < free) return 0;
    if (pending > 0) return options.firstDelayMs; // past the free attempts: one at a time
    return Math.max(0, record!.lastFailureAt + delayMs(failures, free) - now);
  }

  function throttled(ms: number): RateLimitError {
    const retryAfterS = Math.max(1, Math.ceil(ms / 1000));
    return new RateLimitError('AUTH_THROTTLED', `Too many failed logins; try again in ${retryAfterS} s`, retryAfterS);
  }

  function track(keys: string[], delta: number): void {
    for (const key of keys) {
      const next = (inFlight.get(key) ?? 0) + delta;
      if (next <= 0) inFlight.delete(key);
      else inFlight.set(key, next);
    }
  }

  async function recordFailure(records: LoginFailureRecord[], ip: string, username: string): Promise<void> {
    const now = options.clock();
    for (const name of [username, ANY_USERNAME]) {
      const record = records.find((r) => r.username === name);
      await options.store.recordFailure(ip, name, now, record === undefined || isQuiet(record, now));
    }
    await options.store.forgetBefore(now - options.windowMs - options.maxDelayMs);
  }

  return {
    /** Throws AUTH_THROTTLED (with Retry-After) while this address must wait for this username. */
    async begin(rawUsername: string, rawIp: string): Promise<LoginAttempt> {
      const username = rawUsername.toLowerCase();
      const ip = rawIp.slice(0, 64);
      const records = await options.store.find(ip, username);
      const now = options.clock();
      const waitFor = (name: string) =>
        waitMs(
          records.find((r) => r.username === name),
          ip,
          name,
          now,
        );
      const wait = Math.max(waitFor(username), waitFor(ANY_USERNAME));
      if (wait > 0) throw throttled(wait);
      const keys = [flightKey(ip, username), flightKey(ip, ANY_USERNAME)];
      track(keys, 1);
      let released = false;
      return {
        failed: () => recordFailure(records, ip, username),
        succeeded: () => options.store.clear(ip, username),
        release() {
          if (!released) track(keys, -1);
          released = true;
        },
      };
    },
    /** Forgets the username's failures from every address (after a password reset). */
    clearUsername(username: string): Promise<number> {
      return options.store.clearUsername(username.toLowerCase());
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
