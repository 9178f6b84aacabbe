import type { Clock } from '../clock.js';

export type BreakerStatus = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  cooldownMs: number;
  clock: Clock;
}

/**
 * Per-provider circuit breaker. Open: every request skips the provider at once. After the cooldown
 * the breaker is half-open and lets exactly one probe through; its outcome closes or reopens it.
 */
export function createCircuitBreaker(options: BreakerOptions) {
  let status: BreakerStatus = 'closed';
  let failures = 0;
  let openedAt = 0;
  let probeInFlight = false;

  function current(): BreakerStatus {
    if (status === 'open' && options.clock() - openedAt >= options.cooldownMs) status = 'half-open';
    return status;
  }

  /** Returns true when a request may go to the provider now (and, half-open, claims the probe). */
  function tryPass(): boolean {
    const now = current();
    if (now === 'closed') return true;
    if (now === 'open' || probeInFlight) return false;
    probeInFlight = true;
    return true;
  }

  function success(): void {
    status = 'closed';
    failures = 0;
    probeInFlight = false;
  }

  function failure(): void {
    probeInFlight = false;
    failures += 1;
    if (status === 'half-open' || failures >= options.failureThreshold) {
      status = 'open';
      openedAt = options.clock();
    }
  }

  /** An attempt that ended without a verdict (client abort): frees the probe slot only. */
  function release(): void {
    probeInFlight = false;
  }

  /** Milliseconds until an open breaker lets a probe through (0 unless open). */
  function cooldownLeftMs(): number {
    return current() === 'open' ? Math.max(0, openedAt + options.cooldownMs - options.clock()) : 0;
  }

  return { status: current, tryPass, success, failure, release, cooldownLeftMs };
}

export type CircuitBreaker = ReturnType<typeof createCircuitBreaker>;
