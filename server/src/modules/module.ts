import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Registry } from 'prom-client';
import type { Config } from '../config.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../logger.js';
import type { ApiRoutes } from '../routes/admin/index.js';
import type { ComponentCheck } from '../routes/system/index.js';
import type { V1Plugin } from '../routes/v1/index.js';

/** What a module mounts on the HTTP app; each surface keeps its own error format. */
export interface ModuleRoutes {
  api?: ApiRoutes[];
  v1?: V1Plugin[];
  /** Root plugins: WebSockets (`/ws/...`), the admin panel's files. */
  root?: FastifyPluginAsyncTypebox[];
}

/**
 * The one shape of a feature once started. The runtime starts modules in list order and, on shutdown (or a
 * failed start), drains then closes them in reverse order.
 */
export interface Module {
  readonly name: string;
  routes?: ModuleRoutes;
  /** Checks behind `/ready` and the dashboard's component list. */
  readiness?: ComponentCheck[];
  /** Secret files this start generated (announced once by main.ts). */
  generatedFiles?: string[];
  /** Called once the HTTP server listens (child processes that dial back to it start here). */
  onListening?(address: { host: string; port: number }): void;
  /** Stops what talks to the server (child processes) before the server closes. */
  drain?(): Promise<void>;
  /** Releases what the module holds, after the server closed. */
  close?(): Promise<void>;
}

/** What every module's `start` receives: the process-wide parts and the modules started before it. */
export interface ModuleContext<Started> {
  config: Config;
  logger: Logger;
  clock: Clock;
  metrics: Registry;
  /** A module started earlier in the list; throws when it is not (the list's order is wrong). */
  get: <K extends keyof Started>(name: K) => Started[K];
  /** A module that may be off (GSM_ENABLED=false): undefined when it was not started. */
  find: <K extends keyof Started>(name: K) => Started[K] | undefined;
  /** Readiness checks of the modules started so far, in order. */
  readiness: () => ComponentCheck[];
}

export interface ModuleDefinition<Started, K extends keyof Started & string> {
  name: K;
  /** False leaves the module out (a channel switched off in the configuration). */
  enabled?(config: Config): boolean;
  start(context: ModuleContext<Started>): Promise<Started[K] & Module>;
}
