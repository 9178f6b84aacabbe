import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import type { Config } from './config.js';
import { installAccessControl } from './http/access.js';
import { installAuditHook } from './http/audit-hook.js';
import { createClientErrorHandler } from './http/client-errors.js';
import { adminErrorBody, adminErrorHandler } from './http/errors.js';
import { installHttpMetrics } from './http/metrics.js';
import type { RouteInfo } from './http/types.js';
import { installValidators } from './http/validation.js';
import type { Logger } from './logger.js';
import type { Module } from './modules/module.js';
import { adminApi } from './routes/admin/index.js';
import { systemRoutes } from './routes/system/index.js';
import { openAiErrorBody, openAiErrorHandler } from './routes/v1/errors.js';
import { v1Routes } from './routes/v1/index.js';
import type { CoreServices } from './services.js';

export interface AppDeps {
  config: Config;
  logger: Logger;
  services: CoreServices;
  metrics: Registry;
  /** The started modules, in list order: their `/api` folders, `/v1` groups, root plugins and readiness. */
  modules: readonly Module[];
}

export type App = FastifyInstance & { routeInventory: RouteInfo[] };

async function registerDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: { title: 'AI Secretary API', version: '0.1.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}

const isV1Path = (path: string | null) => path !== null && /^\/v1(\/|\?|$)/.test(path);

/** Errors the router raises before any route (a path parameter over the length limit: 414) use the route's format. */
function frameworkErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  void (isV1Path(request.url) ? openAiErrorHandler : adminErrorHandler)(error, request, reply);
}

/** Builds the HTTP application from ready-made services; used by main.ts and by tests. */
export async function buildApp(deps: AppDeps): Promise<App> {
  const loggerInstance: FastifyBaseLogger = deps.logger;
  const app = Fastify({
    loggerInstance,
    bodyLimit: deps.config.bodyLimitBytes,
    trustProxy: deps.config.trustProxy,
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler: createClientErrorHandler((path) => (isV1Path(path) ? openAiErrorBody : adminErrorBody)),
  }).withTypeProvider<TypeBoxTypeProvider>();
  installValidators(app);
  app.setErrorHandler(adminErrorHandler);
  const inventory = installAccessControl(app, deps.services);
  installAuditHook(app, deps.services.audit);
  installHttpMetrics(app, deps.metrics);
  if (deps.config.serveDocs) await registerDocs(app);
  await app.register(websocket);
  const routes = (m: Module) => m.routes ?? {};
  const readiness = deps.modules.flatMap((m) => m.readiness ?? []);
  await app.register(systemRoutes, { readiness, metrics: deps.metrics });
  await app.register(adminApi, { prefix: '/api', folders: deps.modules.flatMap((m) => routes(m).api ?? []) });
  await app.register(v1Routes, { prefix: '/v1', plugins: deps.modules.flatMap((m) => routes(m).v1 ?? []) });
  for (const plugin of deps.modules.flatMap((m) => routes(m).root ?? [])) await app.register(plugin);
  const withInventory: App = Object.assign(app, { routeInventory: inventory });
  return withInventory;
}
