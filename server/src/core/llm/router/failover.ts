import { LlmUnavailableError, type AttemptReport } from '../../../errors.js';
import { ChatAbortedError, UpstreamRejectedError } from '../../../errors.js';
import { ProviderFailure } from '../types.js';
import type { Candidate, ChatCall, RouterDeps } from './types.js';
import { openUpstream, type Committed } from './upstream.js';

type Metrics = RouterDeps['metrics'];

/**
 * Tries the candidates in order until one sends its first token (never fails over after that). Busy
 * providers are skipped first and waited for afterwards; cooling-down ones are skipped. Throws
 * `ChatAbortedError`, `UpstreamRejectedError`, or `LlmUnavailableError` with every attempt.
 */
export async function connect(metrics: Metrics, candidates: Candidate[], call: ChatCall): Promise<Committed> {
  const busy: Candidate[] = [];
  for (const candidate of candidates) {
    if (!candidate.handle.semaphore.tryAcquire()) {
      call.attempts.push(report(candidate, 'skipped_busy', 0));
      busy.push(candidate);
      continue;
    }
    const committed = await tryCandidate(metrics, candidate, call);
    if (committed) return committed;
  }
  const committed = await waitForBusy(metrics, busy, call);
  if (committed) return committed;
  if (call.req.signal?.aborted) throw new ChatAbortedError();
  throw new LlmUnavailableError(call.attempts);
}

/**
 * The busy providers get a second chance: wait for a slot (up to the provider's timeout, or the
 * caller's first-token deadline when shorter), then try.
 */
async function waitForBusy(metrics: Metrics, busy: Candidate[], call: ChatCall): Promise<Committed | null> {
  for (const candidate of busy) {
    const wait = anySignal(call.req.signal, AbortSignal.timeout(slotWaitMs(candidate, call)));
    if (!(await candidate.handle.semaphore.acquire(wait))) continue;
    const committed = await tryCandidate(metrics, candidate, call);
    if (committed) return committed;
  }
  return null;
}

/** One attempt on a candidate whose slot is held: the slot is released unless it commits. */
async function tryCandidate(metrics: Metrics, candidate: Candidate, call: ChatCall): Promise<Committed | null> {
  const { breaker, semaphore, record } = candidate.handle;
  if (!breaker.tryPass()) {
    semaphore.release();
    call.attempts.push(report(candidate, 'skipped_cooldown', 0));
    metrics.attempt(record.name, 'skipped_cooldown');
    return null;
  }
  const startedAt = performance.now();
  const opened = await openUpstream(candidate, call.plan.request, call.req.signal, call.req.firstTokenTimeoutMs);
  const durationMs = performance.now() - startedAt;
  if (!(opened instanceof ProviderFailure)) {
    breaker.success();
    metrics.breaker(record.name, 'closed');
    call.attempts.push(report(candidate, 'ok', durationMs));
    metrics.attempt(record.name, 'ok');
    return opened;
  }
  semaphore.release();
  call.attempts.push({
    ...report(candidate, opened.kind, durationMs),
    ...(opened.status ? { status: opened.status } : {}),
  });
  metrics.attempt(record.name, opened.kind);
  return settleFailure(metrics, candidate, opened);
}

/** A cancel or a rejected request ends the call; any other failure counts against the breaker and moves on. */
function settleFailure(metrics: Metrics, candidate: Candidate, failure: ProviderFailure): null {
  const { breaker, record } = candidate.handle;
  if (failure.kind === 'aborted') {
    breaker.release();
    throw new ChatAbortedError();
  }
  if (failure.kind === 'bad_request') {
    breaker.success();
    throw new UpstreamRejectedError(`The model provider rejected the request: ${failure.message}`, failure);
  }
  breaker.failure();
  metrics.breaker(record.name, breaker.status());
  return null;
}

function report(candidate: Candidate, outcome: AttemptReport['outcome'], durationMs: number): AttemptReport {
  return {
    provider: candidate.handle.record.name,
    model: candidate.model,
    outcome,
    durationMs: Math.round(durationMs),
  };
}

function slotWaitMs(candidate: Candidate, call: ChatCall): number {
  const timeoutMs = candidate.handle.record.timeoutMs;
  const deadline = call.req.firstTokenTimeoutMs;
  return deadline === undefined ? timeoutMs : Math.min(timeoutMs, deadline);
}

function anySignal(a: AbortSignal | undefined, b: AbortSignal): AbortSignal {
  return a ? AbortSignal.any([a, b]) : b;
}
