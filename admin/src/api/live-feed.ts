import type { LiveStatus } from '@ai-secretary/protocol';
import { sseData } from './chat-stream.js';
import type { ApiClient } from './client.js';

export type FeedState = 'connecting' | 'live' | 'retrying';

export interface LiveFeedHandlers {
  onStatus(status: LiveStatus): void;
  onState(state: FeedState): void;
}

const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 15_000;

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}

/** Reads one connection of `GET /api/events` until it ends; resolves true when any status arrived. */
async function readOnce(client: ApiClient, handlers: LiveFeedHandlers, signal: AbortSignal): Promise<boolean> {
  const response = await client.stream('GET', '/api/events', { signal });
  if (response.body === null) return false;
  let received = false;
  for await (const data of sseData(response.body)) {
    handlers.onStatus(JSON.parse(data) as LiveStatus);
    if (!received) handlers.onState('live');
    received = true;
  }
  return received;
}

/**
 * Follows the server's live status feed (SSE over fetch, so the bearer token goes in a header) and
 * reconnects with a growing pause after any failure, until `signal` aborts.
 */
export async function followLiveFeed(client: ApiClient, handlers: LiveFeedHandlers, signal: AbortSignal) {
  let retryMs = RETRY_MIN_MS;
  while (!signal.aborted) {
    handlers.onState('connecting');
    const received = await readOnce(client, handlers, signal).catch(() => false);
    if (signal.aborted) return;
    handlers.onState('retrying');
    retryMs = received ? RETRY_MIN_MS : Math.min(RETRY_MAX_MS, retryMs * 2);
    await pause(retryMs, signal);
  }
}
