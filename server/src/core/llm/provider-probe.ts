import type { Clock } from '../clock.js';
import type { ProviderRegistry } from './provider-registry.js';

/** The last time a provider's `/models` was asked for, and what came back. */
export interface ProbeResult {
  reachable: boolean;
  checkedAt: number;
  latencyMs: number;
  error: string | null;
}

export interface ProviderProbeDeps {
  registry: Pick<ProviderRegistry, 'handles' | 'test'>;
  clock: Clock;
  intervalMs: number;
  timeoutMs: number;
}

/** What `/ready` and the dashboard say about the LLM as a whole. */
export interface LlmReachability {
  /** True when providers are enabled, all were checked, and none answered. */
  degraded: boolean;
  detail: string;
}

/**
 * Asks every enabled provider for its models on a schedule (and on demand from "test connection"), so the
 * dashboard and `/ready` say whether a language model can be reached before a caller finds out. A circuit
 * breaker only learns from real requests: a fresh start with no vLLM running looked healthy without this.
 */
export function createProviderProbe(deps: ProviderProbeDeps) {
  const results = new Map<string, ProbeResult>();
  let timer: NodeJS.Timeout | null = null;
  let round: Promise<void> | null = null;

  async function probe(id: string) {
    const outcome = await deps.registry.test(id, deps.timeoutMs);
    results.set(id, {
      reachable: outcome.ok,
      checkedAt: deps.clock(),
      latencyMs: outcome.latencyMs,
      error: outcome.error,
    });
    return outcome;
  }

  function forgetRemoved(): void {
    const ids = new Set(deps.registry.handles().map((h) => h.record.id));
    for (const id of results.keys()) if (!ids.has(id)) results.delete(id);
  }

  /** One round over the enabled providers (a round still running is joined, not doubled). */
  function probeAll(): Promise<void> {
    round ??= (async () => {
      forgetRemoved();
      const enabled = deps.registry.handles().filter((h) => h.record.enabled);
      await Promise.all(enabled.map((h) => probe(h.record.id)));
    })().finally(() => {
      round = null;
    });
    return round;
  }

  function reachability(): LlmReachability {
    const enabled = deps.registry.handles().filter((h) => h.record.enabled);
    if (enabled.length === 0) return { degraded: true, detail: 'no LLM provider is enabled' };
    const checked = enabled.map((h) => ({ name: h.record.name, result: results.get(h.record.id) }));
    const up = checked.filter((c) => c.result?.reachable).map((c) => c.name);
    if (up.length > 0) return { degraded: false, detail: `reachable: ${up.join(', ')}` };
    if (checked.some((c) => !c.result)) return { degraded: false, detail: 'checking the LLM providers' };
    const why = checked.map((c) => `${c.name} (${c.result?.error ?? 'no answer'})`).join('; ');
    return { degraded: true, detail: `no LLM reachable: ${why}` };
  }

  return {
    probe,
    probeAll,
    result: (id: string): ProbeResult | null => results.get(id) ?? null,
    reachability,
    start(): void {
      if (timer) return;
      void probeAll();
      timer = setInterval(() => void probeAll(), deps.intervalMs);
      timer.unref();
    },
    stop(): void {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}

export type ProviderProbe = ReturnType<typeof createProviderProbe>;
