/** Caps concurrent upstream requests per provider (vLLM's TTFT collapses when it is saturated). */
export function createSemaphore(limit: number) {
  let active = 0;
  const waiters: Array<() => void> = [];

  function tryAcquire(): boolean {
    if (active >= limit) return false;
    active += 1;
    return true;
  }

  function release(): void {
    const next = waiters.shift();
    if (next) next();
    else active -= 1;
  }

  /** Waits for a slot; resolves false on abort (the slot is not taken then). */
  function acquire(signal: AbortSignal): Promise<boolean> {
    if (tryAcquire()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const grant = () => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      };
      const onAbort = () => {
        const at = waiters.indexOf(grant);
        if (at >= 0) waiters.splice(at, 1);
        resolve(false);
      };
      if (signal.aborted) return resolve(false);
      waiters.push(grant);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  return { tryAcquire, acquire, release, active: () => active, limit };
}

export type Semaphore = ReturnType<typeof createSemaphore>;
