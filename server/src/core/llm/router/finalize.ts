import { newId } from '../../ids.js';
import type { Accumulator, ChatResult } from '../chat-stream.js';
import { estimateTokens } from '../memory.js';
import type { ChatMessage, TokenUsage } from '../types.js';
import type { ChatCall, ChatRequest, Plan, RouterDeps, StreamMeta } from './types.js';

export type FinalizeDeps = Pick<RouterDeps, 'usage' | 'metrics' | 'memory' | 'clock' | 'onError'>;
export type Outcome = 'ok' | 'aborted' | 'error' | 'faq';

export function streamMeta(
  clock: RouterDeps['clock'],
  plan: Plan,
  provider: string,
  model: string,
  source: 'llm' | 'faq',
): StreamMeta {
  return {
    id: `chatcmpl-${newId().replaceAll('-', '')}`,
    route: plan.route,
    provider,
    model,
    source,
    created: Math.floor(clock() / 1000),
  };
}

/** Records usage and metrics of a finished stream, remembers the exchange, and builds its result. */
export async function finalize(
  deps: FinalizeDeps,
  call: ChatCall,
  meta: StreamMeta,
  acc: Accumulator,
  timing: { ttftMs: number; outcome: Outcome },
): Promise<ChatResult> {
  const durationMs = performance.now() - call.startedAt;
  const usage = usageOf(meta, call.plan, acc);
  const costUsd = deps.usage.cost(meta.model, usage);
  deps.usage.record({
    ...recordScope(deps, call),
    provider: meta.provider,
    model: meta.model,
    promptTokens: usage.promptTokens,
    completionTokens: usage.completionTokens,
    ttftMs: Math.round(timing.ttftMs),
    durationMs: Math.round(durationMs),
    costUsd,
    attempts: call.attempts.length,
    outcome: timing.outcome,
  });
  deps.metrics.request({
    route: call.plan.route,
    provider: meta.provider,
    model: meta.model,
    channel: call.req.channel,
    outcome: timing.outcome,
    ttftMs: timing.ttftMs,
    durationMs,
    promptTokens: usage.promptTokens,
    completionTokens: usage.completionTokens,
  });
  if (call.req.sessionKey && (timing.outcome === 'ok' || timing.outcome === 'faq')) await remember(deps, call.req, acc);
  return {
    ...meta,
    content: acc.content(),
    toolCalls: acc.toolCalls(),
    finishReason: acc.finishReason(),
    usage,
    ttftMs: timing.ttftMs,
    durationMs,
    costUsd,
    attempts: call.attempts,
  };
}

/** The provider's token counts; an estimate when it sent none; zero for FAQ answers. */
function usageOf(meta: StreamMeta, plan: Plan, acc: Accumulator): TokenUsage {
  const upstream = acc.usage();
  if (upstream) return { ...upstream, estimated: false };
  if (meta.source === 'faq') return { promptTokens: 0, completionTokens: 0, estimated: false };
  return {
    promptTokens: estimateTokens(plan.request.messages),
    completionTokens: Math.ceil(acc.content().length / 4),
    estimated: true,
  };
}

async function remember(deps: FinalizeDeps, req: ChatRequest, acc: Accumulator): Promise<void> {
  const calls = acc.toolCalls();
  const reply: ChatMessage = {
    role: 'assistant',
    content: acc.content(),
    ...(calls.length ? { tool_calls: calls } : {}),
  };
  try {
    await deps.memory.append(req.sessionKey!, [...req.messages, reply]);
  } catch (error) {
    deps.onError(error, 'memory append failed');
  }
}

/** A request no provider answered: one usage row and one metric, with provider and model `none`. */
export function recordFailure(deps: Pick<RouterDeps, 'usage' | 'metrics' | 'clock'>, call: ChatCall): void {
  const durationMs = Math.round(performance.now() - call.startedAt);
  const nothing = { provider: 'none', model: 'none', promptTokens: 0, completionTokens: 0, ttftMs: null, durationMs };
  deps.usage.record({
    ...recordScope(deps, call),
    ...nothing,
    costUsd: 0,
    attempts: call.attempts.length,
    outcome: 'error',
  });
  deps.metrics.request({ ...nothing, route: call.plan.route, channel: call.req.channel, outcome: 'error' });
}

/** Who asked, through what, and when: the columns every usage row shares. */
function recordScope(deps: Pick<RouterDeps, 'clock'>, call: ChatCall) {
  return {
    at: deps.clock(),
    route: call.plan.route,
    channel: call.req.channel,
    instanceId: call.req.instanceId ?? null,
    userId: call.req.userId ?? null,
    apiKeyId: call.req.apiKeyId ?? null,
  };
}
