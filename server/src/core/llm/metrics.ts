import type { BreakerStatus } from './circuit-breaker.js';

export interface RequestObservation {
  route: string;
  provider: string;
  model: string;
  channel: string;
  outcome: 'ok' | 'error' | 'aborted' | 'faq';
  ttftMs: number | null;
  durationMs: number;
  promptTokens: number;
  completionTokens: number;
}

/** What the router reports; the Prometheus adapter lives outside core. */
export interface LlmMetrics {
  attempt(provider: string, outcome: string): void;
  request(observation: RequestObservation): void;
  breaker(provider: string, status: BreakerStatus): void;
}

export const noopLlmMetrics: LlmMetrics = { attempt() {}, request() {}, breaker() {} };
