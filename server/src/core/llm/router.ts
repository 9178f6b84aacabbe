import type { ChatResult, ChatStream } from './chat-stream.js';
import { ChatAbortedError } from '../../errors.js';
import { faqHit, faqStream } from './router/faq.js';
import { connect } from './router/failover.js';
import { recordFailure } from './router/finalize.js';
import { applyLimits } from './router/limits.js';
import { catalog, knowsRoute, localOnly, planChat } from './router/planning.js';
import { liveStream } from './router/streaming.js';
import type { ChatCall, ChatRequest, RouterDeps } from './router/types.js';

export type { ChatRequest, RouterDeps } from './router/types.js';

/**
 * The secretary's brain: resolves a route to providers (router/planning), answers from the FAQ when it
 * can (router/faq), enforces daily limits (router/limits), fails over between providers until the
 * first token, never after (router/failover), streams the answer (router/streaming) and records its
 * usage (router/finalize).
 */
export function createLlmRouter(deps: RouterDeps) {
  /**
   * Resolves once a provider has sent its first token (or the FAQ answered); rejects with a typed
   * error when the route is unknown, a limit refuses, the provider rejects the request, or no
   * provider could answer. See docs/llm.md.
   */
  async function chat(req: ChatRequest): Promise<ChatStream> {
    const startedAt = performance.now();
    const call: ChatCall = { req, plan: await planChat(deps, req), attempts: [], startedAt };
    const hit = faqHit(deps.faq, call);
    if (hit) return faqStream(deps, call, hit);
    const candidates = localOnly(call, await applyLimits(deps, call.plan, req));
    try {
      return liveStream(deps, await connect(deps.metrics, candidates, call), call);
    } catch (error) {
      if (!(error instanceof ChatAbortedError)) recordFailure(deps, call);
      throw error;
    }
  }

  return {
    chat,
    complete: async (req: ChatRequest) => collect(await chat(req)),
    catalog: () => catalog(deps),
    knowsRoute: (target: string) => knowsRoute(deps, target),
  };
}

export type LlmRouter = ReturnType<typeof createLlmRouter>;

/** Drains a stream and returns its result (non-streaming callers). */
export async function collect(stream: ChatStream): Promise<ChatResult> {
  for await (const _delta of stream) {
    // draining
  }
  return stream.result;
}
