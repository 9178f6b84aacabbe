import { absorbAll, createAccumulator, deferred, type ChatResult, type ChatStream } from '../chat-stream.js';
import type { FaqHit } from '../faq/faq-service.js';
import { textOf } from '../memory.js';
import type { ChatDelta } from '../types.js';
import { finalize, streamMeta, type FinalizeDeps } from './finalize.js';
import { toChatStream } from './streaming.js';
import type { ChatCall, RouterDeps } from './types.js';

/** The FAQ's answer to the caller's last message, for persona routes that use the FAQ (unless asked not to). */
export function faqHit(faq: RouterDeps['faq'], call: ChatCall): FaqHit | null {
  if (!call.plan.persona?.useFaq || call.req.faq === false) return null;
  const last = call.req.messages.at(-1);
  if (last?.role !== 'user') return null;
  return faq.answer(textOf(last.content));
}

/** The FAQ answer as a one-batch stream: no provider is asked, usage is recorded as `faq`. */
export function faqStream(deps: FinalizeDeps, call: ChatCall, hit: FaqHit): ChatStream {
  const acc = createAccumulator();
  const result = deferred<ChatResult>();
  const meta = streamMeta(deps.clock, call.plan, 'faq', 'faq', 'faq');
  async function* batches(): AsyncGenerator<ChatDelta[]> {
    yield absorbAll(acc, [
      { kind: 'delta', delta: { role: 'assistant', content: hit.answer } },
      { kind: 'delta', delta: { finishReason: 'stop' } },
    ]);
    const final = finalize(deps, call, meta, acc, { ttftMs: performance.now() - call.startedAt, outcome: 'faq' });
    void final.then(result.resolve, result.reject);
  }
  const grouped = batches();
  return toChatStream(meta, grouped, result.promise, () => void grouped.return(undefined));
}
