import type { LiveComponent, LiveModem, LiveProvider, LiveStatus, LiveToday, LiveWorker } from '@ai-secretary/protocol';
import { toIso, type Clock } from '../clock.js';

const DAY_MS = 86_400_000;

/** Where the live status comes from; each source is read on its own so one failure blanks nothing else. */
export interface LiveSources {
  components(): Promise<LiveComponent[]>;
  modem(): LiveModem | null;
  providers(): LiveProvider[];
  workers(): LiveWorker[];
  /** Counters since `fromMs` (epoch ms). */
  counters(fromMs: number): Promise<Omit<LiveToday, 'since'>>;
}

export interface LiveFeedOptions {
  sources: LiveSources;
  clock: Clock;
  /** How often the status is re-read while someone listens. */
  intervalMs: number;
  onError: (error: unknown) => void;
}

export type LiveListener = (status: LiveStatus) => void;

const NO_COUNTERS = { calls: 0, sms: 0, chats: 0, tokens: 0 };

/**
 * Reads the status while at least one listener is subscribed and hands each listener every status
 * that differs from the previous one (ignoring the timestamp). One poll serves every listener.
 */
export function createLiveFeed(options: LiveFeedOptions) {
  /** Each listener with the key of the last status it got. */
  const listeners = new Map<LiveListener, string>();
  let last: { status: LiveStatus; key: string } | null = null;
  let active = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function read(): Promise<LiveStatus> {
    const { sources, clock } = options;
    const now = clock();
    const since = Math.floor(now / DAY_MS) * DAY_MS;
    const [components, counters] = await Promise.all([
      sources.components().catch((error: unknown) => (options.onError(error), [])),
      sources.counters(since).catch((error: unknown) => (options.onError(error), NO_COUNTERS)),
    ]);
    return {
      at: toIso(now),
      ready: components.every((c) => c.ok),
      components,
      modem: sources.modem(),
      providers: sources.providers(),
      workers: sources.workers(),
      today: { since: toIso(since), ...counters },
    };
  }

  function deliver(listener: LiveListener, current: { status: LiveStatus; key: string }): void {
    if (listeners.get(listener) === current.key) return;
    listeners.set(listener, current.key);
    listener(current.status);
  }

  async function tick(): Promise<void> {
    timer = undefined;
    try {
      const status = await read();
      last = { status, key: JSON.stringify({ ...status, at: '' }) };
      for (const listener of [...listeners.keys()]) deliver(listener, last);
    } catch (error) {
      options.onError(error);
    }
    if (listeners.size > 0) timer = setTimeout(() => void tick(), options.intervalMs);
    else active = false;
  }

  /** Calls `listener` with the current status, then with every change; returns the unsubscribe. */
  function subscribe(listener: LiveListener): () => void {
    listeners.set(listener, '');
    if (!active) {
      active = true;
      void tick();
    } else if (last) deliver(listener, last);
    return () => {
      listeners.delete(listener);
      if (listeners.size > 0 || timer === undefined) return;
      clearTimeout(timer);
      timer = undefined;
      active = false;
    };
  }

  return { subscribe, read, listenerCount: () => listeners.size };
}

export type LiveFeed = ReturnType<typeof createLiveFeed>;
