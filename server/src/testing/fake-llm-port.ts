import { LlmUnavailableError } from '../errors.js';
import type { LlmEvent, LlmPort, LlmRequest } from '../core/voice/ports.js';
import { UpstreamError } from '../errors.js';

export interface FakeLlmReply {
  /** Text, streamed word by word, or explicit deltas. */
  text?: string | string[];
  toolCalls?: Array<{ name: string; arguments: Record<string, unknown> }>;
  /** 'unavailable' = every provider down; 'upstream' = one bad answer. */
  error?: 'unavailable' | 'upstream';
  /** Wait before each delta (keeps a request in flight for barge-in tests). */
  delayMs?: number;
}

export interface FakeLlmCall {
  request: LlmRequest;
  aborted: boolean;
  finished: boolean;
}

function deltas(text: string | string[]): string[] {
  return Array.isArray(text) ? text : (text.match(/\S+\s*/g) ?? []);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}

/** Scripted LLM router: replays replies, tool calls and failures; records requests and aborts. */
export function createFakeLlm(options: { script?: FakeLlmReply[]; fallback?: (r: LlmRequest) => FakeLlmReply } = {}) {
  const script = [...(options.script ?? [])];
  const state = { down: false, calls: [] as FakeLlmCall[] };

  async function* stream(request: LlmRequest, signal: AbortSignal): AsyncIterable<LlmEvent> {
    const call: FakeLlmCall = { request: structuredClone(request), aborted: false, finished: false };
    state.calls.push(call);
    signal.addEventListener('abort', () => (call.aborted = !call.finished), { once: true });
    if (state.down) throw new LlmUnavailableError();
    const reply = script.shift() ?? options.fallback?.(request) ?? { text: 'Okay.' };
    if (reply.error === 'unavailable') throw new LlmUnavailableError();
    if (reply.error === 'upstream') throw new UpstreamError('fake provider said no');
    for (const delta of deltas(reply.text ?? '')) {
      if ((reply.delayMs ?? 0) > 0) await sleep(reply.delayMs!, signal);
      if (signal.aborted) throw new DOMException('aborted', 'AbortError');
      yield { type: 'text', delta };
    }
    for (const [i, tool] of (reply.toolCalls ?? []).entries()) {
      yield { type: 'tool_call', call: { id: `call_${state.calls.length}_${i}`, ...tool } };
    }
    call.finished = true;
  }

  return { stream, state, push: (...replies: FakeLlmReply[]) => script.push(...replies) } satisfies LlmPort &
    Record<string, unknown>;
}
