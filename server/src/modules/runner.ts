import { ConfigError } from '../errors.js';
import type { Module, ModuleContext, ModuleDefinition } from './module.js';

export type ProcessParts<Started> = Omit<ModuleContext<Started>, 'get' | 'find' | 'readiness'>;

/** Modules started so far, in order; closes them in reverse, also when a later start fails. */
export interface StartedModules<Started> {
  readonly modules: readonly Module[];
  get: <K extends keyof Started>(name: K) => Started[K];
  find: <K extends keyof Started>(name: K) => Started[K] | undefined;
  drain(): Promise<void>;
  close(): Promise<void>;
}

function reversed<T>(items: readonly T[]): T[] {
  return [...items].reverse();
}

/** Runs every step, in order, even when one throws; rethrows the first failure at the end. */
async function eachInOrder(modules: Module[], step: (m: Module) => Promise<void> | undefined): Promise<void> {
  let failure: unknown;
  for (const module of modules) {
    try {
      await step(module);
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure !== undefined) throw failure;
}

/** Starts the list's modules in order; a failed start closes those already started and rethrows. */
export async function startModules<Started>(
  definitions: ReadonlyArray<ModuleDefinition<Started, keyof Started & string>>,
  parts: ProcessParts<Started>,
): Promise<StartedModules<Started>> {
  const byName = new Map<keyof Started, Module>();
  const modules: Module[] = [];
  const find = <K extends keyof Started>(name: K) => byName.get(name) as Started[K] | undefined;
  const started: StartedModules<Started> = {
    modules,
    find,
    get: (name) => {
      const module = find(name);
      if (module === undefined) throw new ConfigError(`module "${String(name)}" is needed before it is started`);
      return module;
    },
    drain: () => eachInOrder(reversed(modules), (m) => m.drain?.()),
    close: () => eachInOrder(reversed(modules), (m) => m.close?.()),
  };
  const context: ModuleContext<Started> = {
    ...parts,
    get: started.get,
    find,
    readiness: () => modules.flatMap((m) => m.readiness ?? []),
  };
  try {
    for (const definition of definitions) {
      if (definition.enabled?.(parts.config) === false) continue;
      const module = await definition.start(context);
      byName.set(definition.name, module);
      modules.push(module);
    }
  } catch (error) {
    await started.drain().catch(() => undefined);
    await started.close().catch(() => undefined);
    throw error;
  }
  return started;
}
