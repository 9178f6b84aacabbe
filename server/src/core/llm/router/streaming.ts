import { absorbAll, createAccumulator, deferred, flatten, type ChatResult, type ChatStream } from '../chat-stream.js';
import { ChatAbortedError, StreamFailedError } from '../../../errors.js';
import type { ChatDelta, ProviderEvent } from '../types.js';
import { finalize, streamMeta, type FinalizeDeps } from './finalize.js';
import type { ChatCall, StreamMeta } from './types.js';
import { CLIENT_ABORT, toFailure, type Committed } from './upstream.js';

type Ending = 'ok' | 'aborted' | 'error';

/**
 * The committed provider's answer as a `ChatStream`: the first token's events, then each upstream read
 * as it arrives. However the consumer leaves (done, break, `cancel()`, a failure), the upstream is
 * released and usage recorded exactly once.
 */
export function liveStream(deps: FinalizeDeps, c: Committed, call: ChatCall): ChatStream {
  const acc = createAccumulator();
  const result = deferred<ChatResult>();
  const meta = streamMeta(deps.clock, call.plan, c.candidate.handle.record.name, c.candidate.model, 'llm');
  const ttftMs = performance.now() - call.startedAt;
  let finished = false;
  let started = false;

  async function* batches(): AsyncGenerator<ChatDelta[]> {
    started = true;
    let failure: unknown = null;
    try {
      yield* relay(c, (events) => absorbAll(acc, events));
      finished = true;
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      close(finished ? 'ok' : failure === null || failure instanceof ChatAbortedError ? 'aborted' : 'error', failure);
    }
  }

  function close(ending: Ending, failure: unknown): void {
    release(c, ending);
    const final = finalize(deps, call, meta, acc, { ttftMs, outcome: ending });
    if (ending === 'error') result.reject(failure);
    else if (ending === 'aborted') result.reject(new ChatAbortedError());
    else void final.then(result.resolve, result.reject);
  }

  const grouped = batches();
  const cancel = () => {
    if (started) return void grouped.return(undefined);
    started = true;
    void grouped.return(undefined);
    close('aborted', null);
  };
  return toChatStream(meta, grouped, result.promise, cancel);
}

/** The non-empty delta groups of the pending events, then of every further upstream read. */
async function* relay(c: Committed, absorb: (events: ProviderEvent[]) => ChatDelta[]): AsyncGenerator<ChatDelta[]> {
  const first = absorb(c.pending);
  if (first.length > 0) yield first;
  while (!c.done) {
    const next = await nextBatch(c);
    if (next.done) break;
    const deltas = absorb(next.value);
    if (deltas.length > 0) yield deltas;
  }
}

/** One upstream read; a failure after the first token ends the stream with `StreamFailedError`. */
async function nextBatch(c: Committed): Promise<IteratorResult<ProviderEvent[]>> {
  try {
    const next = await c.iterator.next();
    c.timer.refresh();
    return next;
  } catch (error) {
    const failure = toFailure(error, c.controller.signal);
    if (failure.kind === 'aborted') throw new ChatAbortedError();
    c.candidate.handle.breaker.failure();
    throw new StreamFailedError(c.candidate.handle.record.name, failure);
  }
}

/** Stops the timer and the caller-signal listener, aborts the upstream unless it ended, frees the slot. */
function release(c: Committed, ending: Ending): void {
  clearTimeout(c.timer);
  c.detach();
  if (ending !== 'ok') c.controller.abort(CLIENT_ABORT);
  c.candidate.handle.semaphore.release();
}

/** A `ChatStream` over grouped deltas: iterate it one delta at a time, or `batches()` as they came. */
export function toChatStream(
  meta: StreamMeta,
  grouped: AsyncGenerator<ChatDelta[]>,
  result: Promise<ChatResult>,
  cancel: () => void,
): ChatStream {
  const single = flatten(grouped);
  return {
    ...meta,
    result,
    [Symbol.asyncIterator]: () => single,
    batches: () => grouped,
    cancel,
  };
}
