import { ProviderFailure, type ProviderEvent, type ProviderRequest } from '../types.js';
import type { Candidate } from './types.js';

/** An upstream stream that has sent its first real token: the router is committed to it. */
export interface Committed {
  candidate: Candidate;
  iterator: AsyncIterator<ProviderEvent[]>;
  /** The events read up to and including the first token. */
  pending: ProviderEvent[];
  done: boolean;
  controller: AbortController;
  /** The provider's silence timeout, refreshed on every read. */
  timer: NodeJS.Timeout;
  /** Removes the listener on the caller's signal. */
  detach: () => void;
  ttftMs: number;
}

/** Abort reasons, so a failure can tell the caller's cancel from the provider's timeout. */
export const TIMEOUT = Symbol('timeout');
export const CLIENT_ABORT = Symbol('client-abort');
/** The caller's first-token deadline passed before the provider sent a real token. */
export const FIRST_TOKEN_TIMEOUT = Symbol('first-token-timeout');

/**
 * Starts the upstream stream and reads up to its first real token. With `firstTokenTimeoutMs` the
 * attempt is aborted (the upstream request cancelled) when no real token came within it.
 */
export async function openUpstream(
  candidate: Candidate,
  request: Omit<ProviderRequest, 'model'>,
  clientSignal?: AbortSignal,
  firstTokenTimeoutMs?: number,
): Promise<Committed | ProviderFailure> {
  const started = performance.now();
  const controller = new AbortController();
  const onClientAbort = () => controller.abort(CLIENT_ABORT);
  if (clientSignal?.aborted) onClientAbort();
  clientSignal?.addEventListener('abort', onClientAbort, { once: true });
  const detach = () => clientSignal?.removeEventListener('abort', onClientAbort);
  const timer = setTimeout(() => controller.abort(TIMEOUT), candidate.handle.record.timeoutMs);
  const upstream = candidate.handle.client.stream({ ...request, model: candidate.model }, controller.signal);
  const iterator = upstream[Symbol.asyncIterator]();
  const deadline =
    firstTokenTimeoutMs === undefined
      ? undefined
      : setTimeout(() => controller.abort(FIRST_TOKEN_TIMEOUT), firstTokenTimeoutMs);
  try {
    const { pending, done } = await readToFirstToken(iterator, timer);
    return { candidate, iterator, pending, done, controller, timer, detach, ttftMs: performance.now() - started };
  } catch (error) {
    clearTimeout(timer);
    detach();
    return toFailure(error, controller.signal);
  } finally {
    clearTimeout(deadline);
  }
}

async function readToFirstToken(
  iterator: AsyncIterator<ProviderEvent[]>,
  timer: NodeJS.Timeout,
): Promise<{ pending: ProviderEvent[]; done: boolean }> {
  const pending: ProviderEvent[] = [];
  for (;;) {
    const next = await iterator.next();
    if (next.done) return { pending, done: true };
    timer.refresh();
    pending.push(...next.value);
    if (next.value.some(commits)) return { pending, done: false };
  }
}

function commits(event: ProviderEvent): boolean {
  if (event.kind !== 'delta') return false;
  const d = event.delta;
  return Boolean(d.content) || Boolean(d.toolCalls?.length) || d.finishReason !== undefined;
}

/** Names what went wrong: the provider's timeout, the caller's cancel, or the provider's own failure. */
export function toFailure(error: unknown, signal: AbortSignal): ProviderFailure {
  if (signal.reason === TIMEOUT)
    return new ProviderFailure('timeout', 'the provider did not answer in time', { cause: error });
  if (signal.reason === FIRST_TOKEN_TIMEOUT)
    return new ProviderFailure('timeout', 'no first token before the deadline', { cause: error });
  if (signal.reason === CLIENT_ABORT)
    return new ProviderFailure('aborted', 'cancelled by the caller', { cause: error });
  if (error instanceof ProviderFailure) return error;
  return new ProviderFailure('connection', error instanceof Error ? error.message : 'provider failed', {
    cause: error,
  });
}
