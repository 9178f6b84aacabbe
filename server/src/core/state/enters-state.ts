import { StateTimeoutError, StateWaitAbortedError } from '../../errors.js';

// unknown[]: any emitter whose stateChange listener takes some payload is accepted (callback parameters are
// checked strictly, so never[] would refuse a typed listener such as the voice session's).
type StateListener = (...args: unknown[]) => void;

/**
 * A state machine: it exposes its status as `status`, `state` (a string) or `state.status` (a state object,
 * as discord.js voice does), and emits `stateChange` after each transition.
 */
export type StateMachine<S extends string> = (
  { readonly status: S } | { readonly state: S } | { readonly state: { readonly status: S } }
) & {
  on(event: 'stateChange', listener: StateListener): unknown;
  off(event: 'stateChange', listener: StateListener): unknown;
};

/** Reads the current status, whichever of the three shapes the target has (checked at run time). */
export function statusOf<S extends string>(target: StateMachine<S>): S {
  const value = target as { status?: unknown; state?: unknown };
  if (typeof value.status === 'string') return value.status as S;
  if (typeof value.state === 'string') return value.state as S;
  return (value.state as { status: S }).status;
}

/** True when a `stateChange` payload names `status` as the new one: `(from, to)`, `({ from, to })`, `(old, new)`. */
function announces(args: unknown[], status: string): boolean {
  const [first, second] = args as [{ to?: unknown } | undefined, { status?: unknown } | string | undefined];
  if (second === status || (typeof second === 'object' && second?.status === status)) return true;
  return typeof first === 'object' && first?.to === status;
}

/**
 * Resolves once `target` is in `status` (at once if it already is). Rejects with `StateTimeoutError` after
 * `timeoutMs`, or with `StateWaitAbortedError` when the signal aborts (a `TimeoutError` reason, as from
 * `AbortSignal.timeout()`, counts as a timeout). The listener is removed however the wait ends.
 */
export function entersState<S extends string>(
  target: StateMachine<S>,
  status: NoInfer<S>,
  timeoutMsOrSignal: number | AbortSignal,
): Promise<void> {
  if (statusOf(target) === status) return Promise.resolve();
  const signal = typeof timeoutMsOrSignal === 'number' ? undefined : timeoutMsOrSignal;
  const timeoutMs = typeof timeoutMsOrSignal === 'number' ? timeoutMsOrSignal : undefined;
  return new Promise<void>((resolve, reject) => {
    const finish = (error?: Error) => {
      clearTimeout(timer);
      target.off('stateChange', onChange);
      signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    const onChange = (...args: unknown[]) => {
      if (announces(args, status) || statusOf(target) === status) finish();
    };
    const onAbort = () => finish(abortError(signal?.reason, status, statusOf(target)));
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => finish(new StateTimeoutError(status, statusOf(target), timeoutMs)), timeoutMs);
    target.on('stateChange', onChange);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortError(reason: unknown, awaited: string, current: string): Error {
  if (reason instanceof Error && reason.name === 'TimeoutError')
    return new StateTimeoutError(awaited, current, undefined);
  return new StateWaitAbortedError(awaited, current, reason);
}
