import type { Config } from '../config.js';
import { createHttpToolsService, type HttpToolsService } from '../core/http-tools/http-tools-service.js';
import type { HttpToolCallRecord, HttpToolRecord } from '../core/http-tools/types.js';
import { newId } from '../core/ids.js';
import { createOutboundPolicy, portOf } from '../core/net/outbound-policy.js';
import { createHttpFetch } from '../llm-providers/http-fetch.js';
import type { Logger } from '../logger.js';
import { toolsRoutes } from '../routes/admin/tools/index.js';
import type { Started } from './index.js';
import type { Module, ModuleDefinition } from './module.js';

export interface ToolsModule extends Module {
  service: HttpToolsService;
}

/** The host:port a tool's own "allow private network" flag opens (the host is fixed: no placeholder there). */
function ownHost(tool: HttpToolRecord): string {
  const url = new URL(tool.urlTemplate.replace(/\{[a-zA-Z_][a-zA-Z0-9_]*\}/g, 'x'));
  const host = url.hostname.startsWith('[') ? url.hostname : url.hostname.replace(/\.$/, '');
  return `${host}:${portOf(url)}`;
}

/** One guarded fetch per allow-list (HTTP_TOOLS_ALLOW, plus the tool's host when its flag is set). */
function guardedFetches(config: Config) {
  const fetches = new Map<string, typeof fetch>();
  return (tool: HttpToolRecord): typeof fetch => {
    const allow = [...config.httpToolsAllow, ...(tool.allowPrivateNetwork ? [ownHost(tool)] : [])];
    const key = allow.join(' ');
    let found = fetches.get(key);
    if (!found)
      fetches.set(key, (found = createHttpFetch({ policy: createOutboundPolicy({ allow }), maxSockets: 16 })));
    return found;
  };
}

const callLog = (logger: Logger) => (call: HttpToolCallRecord) =>
  logger.info(
    {
      tool: call.toolName,
      channel: call.channel,
      outcome: call.outcome,
      status: call.httpStatus,
      latencyMs: call.latencyMs,
    },
    'http tool called',
  );

/** HTTP tools the owner connects (docs/http-tools.md): `/api/tools`, offered to the tool loops of every channel. */
export const toolsModule: ModuleDefinition<Started, 'tools'> = {
  name: 'tools',
  async start({ config, logger, clock, get }) {
    const log = logger.child({ component: 'http-tools' });
    const { audit, secrets } = get('accounts').services;
    const logged = callLog(log);
    const service = createHttpToolsService({
      store: get('database').stores.httpTools,
      secrets,
      clock,
      newId,
      fetchFor: guardedFetches(config),
      onCall: async (call) => {
        logged(call);
        const { toolName, channel, route, outcome, httpStatus, latencyMs } = call;
        const details = { name: toolName, channel, route, outcome, httpStatus, latencyMs };
        await audit.record({ action: 'tools.call', actor: null, target: call.toolId, details });
      },
      onError: (err, message) => log.warn({ err }, message),
    });
    await service.refresh();
    return {
      name: 'tools',
      service,
      routes: { api: [{ prefix: '/tools', plugin: async (app) => app.register(toolsRoutes, { tools: service }) }] },
    };
  },
};
