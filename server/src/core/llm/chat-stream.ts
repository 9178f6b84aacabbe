import type { AttemptReport } from '../../errors.js';
import type { ChatDelta, FinishReason, ProviderEvent, TokenUsage, ToolCall, ToolCallDelta } from './types.js';

/** The finished call: what was said, by whom, and what it cost. */
export interface ChatResult {
  id: string;
  route: string;
  /** Provider name, or `faq` for an instant answer. */
  provider: string;
  model: string;
  source: 'llm' | 'faq';
  content: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage: TokenUsage;
  ttftMs: number;
  durationMs: number;
  costUsd: number;
  attempts: AttemptReport[];
}

/**
 * The router's answer: iterate it for deltas as they arrive (nothing is buffered), then read
 * `result` for the totals. Breaking out of the loop, or `cancel()`, aborts the upstream request.
 * If the provider fails mid-stream, iteration throws `StreamFailedError` after the deltas already given.
 */
export interface ChatStream extends AsyncIterable<ChatDelta> {
  readonly id: string;
  readonly route: string;
  readonly provider: string;
  readonly model: string;
  readonly source: 'llm' | 'faq';
  readonly created: number;
  /**
   * The same deltas grouped as they arrived (one upstream read often carries several tokens), for
   * writers that send a group at once. Iterate either this or the stream itself, not both.
   */
  batches(): AsyncIterable<ChatDelta[]>;
  /** Resolves when the stream has ended and usage is recorded; rejects with the stream's error. */
  readonly result: Promise<ChatResult>;
  cancel(): void;
}

/** Accumulates deltas into the final message (tool call fragments are merged by index). */
export function createAccumulator() {
  let content = '';
  const calls: ToolCall[] = [];
  let finishReason: FinishReason = 'stop';
  let usage: Omit<TokenUsage, 'estimated'> | null = null;

  function mergeToolCall(delta: ToolCallDelta): void {
    const call = (calls[delta.index] ??= { id: '', type: 'function', function: { name: '', arguments: '' } });
    if (delta.id) call.id = delta.id;
    if (delta.function?.name) call.function.name += delta.function.name;
    if (delta.function?.arguments) call.function.arguments += delta.function.arguments;
  }

  /** Takes one upstream event; returns the delta to pass on, if any. */
  function absorb(event: ProviderEvent): ChatDelta | null {
    if (event.kind === 'usage') {
      usage = event.usage;
      return null;
    }
    const delta = event.delta;
    if (delta.content) content += delta.content;
    if (delta.toolCalls) for (const call of delta.toolCalls) mergeToolCall(call);
    if (delta.finishReason) finishReason = delta.finishReason;
    return delta.content !== undefined || delta.toolCalls || delta.finishReason || delta.role ? delta : null;
  }

  return {
    absorb,
    content: () => content,
    toolCalls: () => calls.filter(Boolean),
    finishReason: () => finishReason,
    usage: () => usage,
  };
}

export type Accumulator = ReturnType<typeof createAccumulator>;

/** Settles exactly once; a rejection nobody awaits is not an unhandled rejection. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** Batches as one delta at a time; ending the loop early returns (and so cancels) the batches. */
export async function* flatten(batches: AsyncIterable<ChatDelta[]>): AsyncGenerator<ChatDelta> {
  for await (const batch of batches) {
    for (const delta of batch) yield delta;
  }
}

/** The deltas an upstream batch contributes to the answer (the accumulator keeps the totals). */
export function absorbAll(acc: Accumulator, events: ProviderEvent[]): ChatDelta[] {
  const out: ChatDelta[] = [];
  for (const event of events) {
    const delta = acc.absorb(event);
    if (delta) out.push(delta);
  }
  return out;
}
