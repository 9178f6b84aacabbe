import type { LiveComponent, LiveProvider, LiveWorker } from '@ai-secretary/protocol';
import type { GsmChannel } from '../channels/gsm/index.js';
import { toIso } from '../core/clock.js';
import { createLiveFeed } from '../core/dashboard/live-feed.js';
import type { LiveSources } from '../core/dashboard/live-feed.js';
import type { LlmServices } from '../core/llm/llm-service.js';
import type { DashboardStore } from '../db/stores/dashboard-store.js';
import type { ComponentCheck } from '../routes/system/index.js';
import { eventsRoutes } from '../routes/admin/events/index.js';
import type { SpeechRuntime } from '../speech/speech-runtime.js';
import type { Started } from './index.js';
import type { ModuleDefinition } from './module.js';

/** How often the dashboard feed re-reads the status while someone listens. */
const LIVE_FEED_INTERVAL_MS = 2_000;

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
      const degraded = 'degraded' in result && result.degraded ? { degraded: true } : {};
      return { name: component.name, ok: result.ok, ...degraded, ...detail };
    }),
  );
}

function providers(llm: LlmServices): LiveProvider[] {
  return llm.registry.handles().map((h) => {
    const probed = h.record.enabled ? llm.probe.result(h.record.id) : null;
    return {
      id: h.record.id,
      name: h.record.name,
      enabled: h.record.enabled,
      health: h.breaker.status(),
      cooldownLeftS: Math.ceil(h.breaker.cooldownLeftMs() / 1000),
      inFlight: h.semaphore.active(),
      reachable: probed?.reachable ?? null,
      lastError: probed?.error ?? null,
      checkedAt: probed ? toIso(probed.checkedAt) : null,
    };
  });
}

function workers({ pool, localWorker }: SpeechRuntime): LiveWorker[] {
  const remote = pool.list().filter((w) => w.id !== localWorker?.id && !w.closed);
  const rows = remote.map((w) => ({ id: w.id, name: w.name, state: 'ready', activeJobs: pool.loadOf(w) }));
  if (!localWorker) return rows;
  const local = pool.get(localWorker.id);
  const activeJobs = local ? pool.loadOf(local) : 0;
  return [{ id: localWorker.id, name: 'local', state: localWorker.status, activeJobs }, ...rows];
}

/** Reads the dashboard's live status from the running modules. */
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

/** The live feed behind `GET /api/events`: components, providers, workers, modem, today's counters. */
export const dashboardModule: ModuleDefinition<Started, 'dashboard'> = {
  name: 'dashboard',
  async start({ logger, clock, get, find, readiness }) {
    const sources = createLiveSources({
      readiness: readiness(),
      llm: get('llm').services,
      speech: get('speech').runtime,
      gsm: find('gsm')?.channel ?? null,
      dashboard: get('database').stores.dashboard,
    });
    const onError = (error: unknown) => logger.warn({ err: error }, 'live feed source failed');
    const feed = createLiveFeed({ sources, clock, intervalMs: LIVE_FEED_INTERVAL_MS, onError });
    return { name: 'dashboard', routes: { api: [{ prefix: '/events', plugin: eventsRoutes(feed) }] } };
  },
};
