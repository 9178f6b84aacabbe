import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { BreakerStatus } from '../core/llm/circuit-breaker.js';
import type { LlmMetrics } from '../core/llm/metrics.js';

const BREAKER_VALUE: Record<BreakerStatus, number> = { closed: 0, 'half-open': 1, open: 2 };
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60];

/** The router's observations as Prometheus series on the app's registry. */
export function createPromLlmMetrics(registry: Registry): LlmMetrics {
  const registers = [registry];
  const requests = new Counter({
    name: 'llm_requests_total',
    help: 'LLM requests by route, answering provider, model, channel and outcome',
    labelNames: ['route', 'provider', 'model', 'channel', 'outcome'],
    registers,
  });
  const attempts = new Counter({
    name: 'llm_provider_attempts_total',
    help: 'Provider attempts by outcome (ok, skipped_cooldown, timeout, rate_limited, server_error, …)',
    labelNames: ['provider', 'outcome'],
    registers,
  });
  const ttft = new Histogram({
    name: 'llm_time_to_first_token_seconds',
    help: 'Time from request to first token',
    labelNames: ['provider'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const duration = new Histogram({
    name: 'llm_request_duration_seconds',
    help: 'Total LLM request time',
    labelNames: ['provider', 'outcome'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const tokens = new Counter({
    name: 'llm_tokens_total',
    help: 'Tokens by provider, model and direction (prompt, completion)',
    labelNames: ['provider', 'model', 'direction'],
    registers,
  });
  const breaker = new Gauge({
    name: 'llm_provider_breaker_state',
    help: 'Circuit breaker per provider: 0 closed, 1 half-open, 2 open',
    labelNames: ['provider'],
    registers,
  });
  return {
    attempt: (provider, outcome) => attempts.inc({ provider, outcome }),
    breaker: (provider, status) => breaker.set({ provider }, BREAKER_VALUE[status]),
    request(o) {
      requests.inc({ route: o.route, provider: o.provider, model: o.model, channel: o.channel, outcome: o.outcome });
      if (o.ttftMs !== null) ttft.observe({ provider: o.provider }, o.ttftMs / 1000);
      duration.observe({ provider: o.provider, outcome: o.outcome }, o.durationMs / 1000);
      if (o.promptTokens) tokens.inc({ provider: o.provider, model: o.model, direction: 'prompt' }, o.promptTokens);
      if (o.completionTokens) {
        tokens.inc({ provider: o.provider, model: o.model, direction: 'completion' }, o.completionTokens);
      }
    },
  };
}
