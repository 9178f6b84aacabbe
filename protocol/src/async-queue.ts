/**
 * A push-to-pull bridge: producers `push()`, `end()` or `fail()`; one consumer iterates. Shared by the
 * server (voice engine, GSM driver, worker links) and the worker processes. Dependency-free.
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private waiters: Array<{ resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void }> = [];
  private ended = false;
  private failure: { error: unknown } | undefined;

  /** `endOnReturn`: a consumer that stops iterating (break, return, throw) also ends the queue. */
  constructor(private readonly options: { endOnReturn?: boolean } = {}) {}

  get size(): number {
    return this.items.length;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  push(item: T): void {
    if (this.ended) return;
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve({ value: item, done: false });
    else this.items.push(item);
  }

  /** Ends the stream after the items already queued. */
  end(): void {
    this.ended = true;
    for (const waiter of this.waiters.splice(0)) this.settle(waiter);
  }

  /** Ends the stream with an error the consumer sees after the queued items. */
  fail(error: unknown): void {
    if (this.ended) return;
    this.failure = { error: error ?? new Error('failed') };
    this.end();
  }

  /** Drops everything not yet taken; returns what was dropped. */
  clear(): T[] {
    return this.items.splice(0);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) return Promise.resolve({ value: this.items.shift() as T, done: false });
    if (this.ended) return new Promise((resolve, reject) => this.settle({ resolve, reject }));
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private settle(waiter: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void }): void {
    if (this.failure !== undefined) waiter.reject(this.failure.error);
    else waiter.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (!this.options.endOnReturn) return { next: () => this.next() };
    return { next: () => this.next(), return: async () => (this.end(), { value: undefined, done: true }) };
  }
}
