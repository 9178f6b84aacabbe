import { ChildCredentials } from '../processes/credentials.js';
import { LinkKinds, linkEndpoint } from '../processes/link-endpoint.js';
import { ProcessSupervisor } from '../processes/process-supervisor.js';
import { processRoutes } from '../routes/admin/processes/index.js';
import type { Started } from './index.js';
import type { Module, ModuleDefinition } from './module.js';

export interface ProcessesModule extends Module {
  /** Runs the child processes (speech workers, bots); modules after this one add theirs. */
  supervisor: ProcessSupervisor;
  /** How each kind is taken onto the link (`/ws/workers`); a module registers its kind's acceptor. */
  kinds: LinkKinds;
  credentials: ChildCredentials;
}

/** The address children dial: the server's own, loopback when it listens on every interface. */
function linkUrl(address: { host: string; port: number }): string {
  const { host } = address;
  const dial =
    host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `ws://${dial}:${address.port}/ws/workers`;
}

/**
 * Supervised child processes of every kind: the process supervisor, the per-child credentials, the link
 * endpoint `/ws/workers` and `/api/processes`. Children start once the server listens and are stopped
 * (gracefully) before it closes.
 */
export const processesModule: ModuleDefinition<Started, 'processes'> = {
  name: 'processes',
  async start({ config, logger }) {
    const log = logger.child({ component: 'processes' });
    const { processes: settings } = config;
    const credentials = new ChildCredentials();
    const policy = {
      crashLoopCrashes: settings.crashLoopCrashes,
      crashLoopWindowMs: settings.crashLoopWindowMs,
      stopGraceMs: settings.stopGraceMs,
      logLines: settings.logLines,
      heartbeatIntervalMs: settings.heartbeatIntervalMs,
      forwardOutput: config.logLevel !== 'silent',
    };
    const supervisor = new ProcessSupervisor({ credentials, policy, logger: log });
    const kinds = new LinkKinds(settings.heartbeatIntervalMs, log);
    const crashLoop = { limit: settings.crashLoopCrashes, windowMs: settings.crashLoopWindowMs };
    return {
      name: 'processes',
      supervisor,
      kinds,
      credentials,
      routes: {
        api: [{ prefix: '/processes', plugin: processRoutes({ supervisor, crashLoop }) }],
        root: [linkEndpoint({ kinds, credentials, supervisor, logger: log })],
      },
      onListening: (address) => supervisor.start(linkUrl(address)),
      drain: () => supervisor.stop(),
    };
  },
};
