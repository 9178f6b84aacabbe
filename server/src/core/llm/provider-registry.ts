import { ConflictError, NotFoundError, OutboundBlockedError, ValidationError } from '../../errors.js';
import { isLocalUrl, type OutboundPolicy } from '../net/outbound-policy.js';
import type { Clock } from '../clock.js';
import { newId } from '../ids.js';
import { maskSecret, type SecretBox } from '../secrets/secret-box.js';
import { createCircuitBreaker, type CircuitBreaker } from './circuit-breaker.js';
import type { ProviderRecord, ProviderStore } from './records.js';
import { createSemaphore, type Semaphore } from './semaphore.js';
import type { LlmProvider, ProviderFactory, ProviderType } from './types.js';

/** Where each provider type lives unless the admin says otherwise. */
export const DEFAULT_BASE_URLS: Record<ProviderType, string | null> = {
  vllm: 'http://127.0.0.1:8000/v1',
  openai: 'https://api.openai.com/v1',
  gemini: 'https://generativelanguage.googleapis.com/v1beta/openai/',
  anthropic: 'https://api.anthropic.com/v1/',
  deepseek: 'https://api.deepseek.com/v1',
  kimi: 'https://api.moonshot.ai/v1',
  openrouter: 'https://openrouter.ai/api/v1',
  custom: null,
};

/** A live provider: its settings, its client, and its health. */
export interface ProviderHandle {
  record: ProviderRecord;
  client: LlmProvider;
  breaker: CircuitBreaker;
  semaphore: Semaphore;
}

export interface ProviderInput {
  name: string;
  type: ProviderType;
  baseUrl?: string | null;
  apiKey?: string | null;
  models: string[];
  priority?: number;
  enabled?: boolean;
  timeoutMs?: number;
  maxConcurrency?: number;
  local?: boolean;
}

export interface ProviderRegistryDeps {
  store: ProviderStore;
  secrets: SecretBox;
  factory: ProviderFactory;
  outbound?: OutboundPolicy;
  clock: Clock;
  defaults: { timeoutMs: number; maxConcurrency: number; breakerFailures: number; breakerCooldownMs: number };
}

const secretContext = (id: string) => `llm-provider:${id}`;

/**
 * Providers are read from the database once and kept in memory (the hot path never queries);
 * every admin write rebuilds the affected handle. Breaker state survives edits that keep the URL.
 */
export function createProviderRegistry(deps: ProviderRegistryDeps) {
  let handles: ProviderHandle[] = [];

  function build(record: ProviderRecord, previous?: ProviderHandle): ProviderHandle {
    const apiKey = record.apiKeySealed ? deps.secrets.decrypt(record.apiKeySealed, secretContext(record.id)) : null;
    const client = deps.factory({
      id: record.id,
      type: record.type,
      baseUrl: record.baseUrl,
      apiKey,
      timeoutMs: record.timeoutMs,
    });
    const sameUpstream = previous && previous.record.baseUrl === record.baseUrl;
    const breaker =
      sameUpstream && previous
        ? previous.breaker
        : createCircuitBreaker({
            failureThreshold: deps.defaults.breakerFailures,
            cooldownMs: deps.defaults.breakerCooldownMs,
            clock: deps.clock,
          });
    const semaphore =
      previous && previous.record.maxConcurrency === record.maxConcurrency
        ? previous.semaphore
        : createSemaphore(record.maxConcurrency);
    return { record, client, breaker, semaphore };
  }

  async function reload(): Promise<void> {
    const records = await deps.store.list();
    const byId = new Map(handles.map((h) => [h.record.id, h]));
    handles = records.sort(byPriority).map((r) => build(r, byId.get(r.id)));
  }

  function get(id: string): ProviderHandle {
    const handle = handles.find((h) => h.record.id === id);
    if (!handle) throw new NotFoundError('LLM provider');
    return handle;
  }

  function validate(input: Partial<ProviderInput>, id: string | null): void {
    if (input.models !== undefined && input.models.length === 0)
      throw new ValidationError('A provider needs at least one model');
    if (input.name !== undefined && handles.some((h) => h.record.name === input.name && h.record.id !== id)) {
      throw new ConflictError(`A provider named "${input.name}" already exists`);
    }
  }

  function resolveBaseUrl(type: ProviderType, baseUrl: string | null | undefined): string {
    const url = baseUrl ?? DEFAULT_BASE_URLS[type];
    if (!url) throw new ValidationError('A custom provider needs a baseUrl', { details: { param: 'baseUrl' } });
    try {
      deps.outbound?.checkUrl(url);
    } catch (error) {
      if (!(error instanceof OutboundBlockedError)) throw error;
      throw new OutboundBlockedError(error.message, { details: { param: 'baseUrl' } });
    }
    return url;
  }

  async function create(input: ProviderInput): Promise<ProviderRecord> {
    validate(input, null);
    const now = deps.clock();
    const id = newId();
    const record: ProviderRecord = {
      id,
      name: input.name,
      type: input.type,
      baseUrl: resolveBaseUrl(input.type, input.baseUrl),
      apiKeySealed: input.apiKey ? deps.secrets.encrypt(input.apiKey, secretContext(id)) : null,
      apiKeyHint: input.apiKey ? maskSecret(input.apiKey) : null,
      models: input.models,
      priority: input.priority ?? nextPriority(),
      enabled: input.enabled ?? true,
      timeoutMs: input.timeoutMs ?? deps.defaults.timeoutMs,
      maxConcurrency: input.maxConcurrency ?? deps.defaults.maxConcurrency,
      local: input.local ?? isLocalUrl(resolveBaseUrl(input.type, input.baseUrl)),
      createdAt: now,
      updatedAt: now,
    };
    await deps.store.insert(record);
    await reload();
    return record;
  }

  async function update(id: string, input: Partial<ProviderInput>): Promise<ProviderRecord> {
    const current = get(id).record;
    validate(input, id);
    const { apiKey, baseUrl, ...rest } = input;
    const patch: Partial<ProviderRecord> = { ...rest, updatedAt: deps.clock() };
    if (baseUrl !== undefined || input.type !== undefined) {
      patch.baseUrl = resolveBaseUrl(input.type ?? current.type, baseUrl === undefined ? current.baseUrl : baseUrl);
      // A new host is judged again unless the admin says where it runs.
      if (input.local === undefined && !sameHost(patch.baseUrl, current.baseUrl))
        patch.local = isLocalUrl(patch.baseUrl);
    }
    // A stored key belongs to its host: a new host gets no key unless one is given with it.
    if (apiKey === undefined && patch.baseUrl !== undefined && !sameHost(patch.baseUrl, current.baseUrl)) {
      patch.apiKeySealed = null;
      patch.apiKeyHint = null;
    }
    if (apiKey !== undefined) {
      patch.apiKeySealed = apiKey ? deps.secrets.encrypt(apiKey, secretContext(id)) : null;
      patch.apiKeyHint = apiKey ? maskSecret(apiKey) : null;
    }
    await deps.store.update(id, patch);
    await reload();
    return get(id).record;
  }

  async function remove(id: string): Promise<void> {
    get(id);
    await deps.store.remove(id);
    await reload();
  }

  /** Sets priorities to the order given (ids not listed keep their relative order, after these). */
  async function reorder(ids: string[]): Promise<ProviderRecord[]> {
    for (const id of ids) get(id);
    const rest = handles.map((h) => h.record.id).filter((id) => !ids.includes(id));
    const order = [...ids, ...rest];
    for (const [index, id] of order.entries()) await deps.store.update(id, { priority: (index + 1) * 10 });
    await reload();
    return list();
  }

  /** Asks the upstream for its model list: proves URL, key and reachability. */
  async function test(
    id: string,
    timeoutMs?: number,
  ): Promise<{ ok: boolean; models: string[]; latencyMs: number; error: string | null }> {
    const handle = get(id);
    const started = performance.now();
    try {
      const models = await handle.client.listModels(AbortSignal.timeout(timeoutMs ?? handle.record.timeoutMs));
      return { ok: true, models, latencyMs: Math.round(performance.now() - started), error: null };
    } catch (error) {
      const message = error instanceof Error ? error.message : 'failed';
      return { ok: false, models: [], latencyMs: Math.round(performance.now() - started), error: message };
    }
  }

  function nextPriority(): number {
    return handles.reduce((max, h) => Math.max(max, h.record.priority), 0) + 10;
  }

  function list(): ProviderRecord[] {
    return handles.map((h) => h.record);
  }

  const outboundAllow = (): readonly string[] => deps.outbound?.allow ?? [];

  return { reload, create, update, remove, reorder, test, list, get, handles: () => handles, outboundAllow };
}

function sameHost(a: string, b: string): boolean {
  try {
    return new URL(a).host === new URL(b).host && new URL(a).protocol === new URL(b).protocol;
  } catch {
    return false;
  }
}

function byPriority(a: ProviderRecord, b: ProviderRecord): number {
  return a.priority - b.priority || a.createdAt - b.createdAt;
}

export type ProviderRegistry = ReturnType<typeof createProviderRegistry>;

/** First run: the environment's `LLM_BASE_URL` / `LLM_API_KEY` / `LLM_MODEL` become the primary provider. */
export async function bootstrapProvider(
  registry: ProviderRegistry,
  env: { baseUrl: string; apiKey: string | undefined; model: string },
): Promise<boolean> {
  if (registry.list().length > 0) return false;
  await registry.create({
    name: 'local-vllm',
    type: 'vllm',
    baseUrl: env.baseUrl,
    apiKey: env.apiKey ?? null,
    models: [env.model],
    priority: 10,
  });
  return true;
}
