import type { LiveComponent, LiveProvider, LiveWorker } from '@ai-secretary/protocol';
import type { GsmChannel } from './channels/gsm/index.js';
import type { LiveSources } from './core/dashboard/live-feed.js';
import type { LlmServices } from './core/llm/llm-service.js';
import type { DashboardStore } from './db/stores/dashboard-store.js';
import type { ComponentCheck } from './routes/system/index.js';
import type { SpeechRuntime } from './speech/speech-runtime.js';

export interface LiveSourceDeps {
  readiness: ComponentCheck[];
  llm: LlmServices;
  speech: SpeechRuntime;
  gsm: GsmChannel | null;
  dashboard: DashboardStore;
}

async function components(checks: ComponentCheck[]): Promise<LiveComponent[]> {
  return Promise.all(
    checks.map(async (component) => {
      const result = await component.check().catch(() => ({ ok: false, detail: 'check failed' }));
      const detail = result.detail === undefined ? {} : { detail: result.detail };
      return { name: component.name, ok: result.ok, ...detail };
    }),
  );
}

function providers(llm: LlmServices): LiveProvider[] {
  return llm.registry.handles().map((h) => ({
    id: h.record.id,
    name: h.record.name,
    enabled: h.record.enabled,
    health: h.breaker.status(),
    cooldownLeftS: Math.ceil(h.breaker.cooldownLeftMs() / 1000),
    inFlight: h.semaphore.active(),
  }));
}

function workers({ pool, supervisor }: SpeechRuntime): LiveWorker[] {
  const remote = pool.list().filter((w) => w.id !== supervisor?.workerId && !w.closed);
  const rows = remote.map((w) => ({ id: w.id, name: w.name, state: 'ready', activeJobs: pool.loadOf(w) }));
  if (!supervisor) return rows;
  const local = pool.get(supervisor.workerId);
  const activeJobs = local ? pool.loadOf(local) : 0;
  return [{ id: supervisor.workerId, name: 'local', state: supervisor.status, activeJobs }, ...rows];
}

/** Reads the dashboard's live status from the running modules (wired in runtime.ts). */
export function createLiveSources(deps: LiveSourceDeps): LiveSources {
  return {
    components: () => components(deps.readiness),
    providers: () => providers(deps.llm),
    workers: () => workers(deps.speech),
    modem: () => {
      if (!deps.gsm) return null;
      const status = deps.gsm.service.status();
      const signalDbm = status.signal?.dbm ?? null;
      return { state: status.state, simulated: status.simulated, operator: status.operator, signalDbm };
    },
    counters: async (fromMs) => {
      await deps.llm.usage.flush();
      return deps.dashboard.countersSince(fromMs);
    },
  };
}
