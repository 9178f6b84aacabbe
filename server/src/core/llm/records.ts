import type { ChatMessage, ProviderType } from './types.js';

export interface ProviderRecord {
  id: string;
  name: string;
  type: ProviderType;
  baseUrl: string;
  /** Sealed with the SecretBox (context `llm-provider:<id>`); null when the upstream needs none. */
  apiKeySealed: string | null;
  apiKeyHint: string | null;
  /** Upstream model names this provider serves; the first is its default. */
  models: string[];
  /** Lower runs first. */
  priority: number;
  enabled: boolean;
  timeoutMs: number;
  maxConcurrency: number;
  /** Runs on this box or the business's own network (vLLM, a LAN server); false: a cloud service. */
  local: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface PersonaRecord {
  id: string;
  /** The route alias clients name in `model` (e.g. `secretary`). */
  slug: string;
  name: string;
  language: string;
  systemPrompt: string;
  /** `auto` (every provider in order), a model name, or `<provider name>/<model>`. */
  route: string;
  businessName: string;
  timezone: string;
  temperature: number | null;
  topP: number | null;
  maxTokens: number | null;
  useFaq: boolean;
  /** Never sent to a cloud provider: with no local provider up, the router degrades instead. */
  localOnly: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface FaqRecord {
  id: string;
  questions: string[];
  answer: string;
  language: string;
  enabled: boolean;
  hits: number;
  createdAt: number;
  updatedAt: number;
}

export interface UsageRecord {
  id?: number;
  at: number;
  route: string;
  provider: string;
  model: string;
  channel: string;
  instanceId: string | null;
  userId: string | null;
  apiKeyId: string | null;
  promptTokens: number;
  completionTokens: number;
  ttftMs: number | null;
  durationMs: number;
  costUsd: number;
  attempts: number;
  outcome: 'ok' | 'error' | 'aborted' | 'faq';
}

/** `instance_user`: the subject is an instance id, counted for each user of that instance on their own. */
export const LIMIT_SCOPES = ['route', 'instance', 'api_key', 'instance_user'] as const;
export type LimitScope = (typeof LIMIT_SCOPES)[number];
export const LIMIT_METRICS = ['requests', 'tokens', 'cost_usd'] as const;
export type LimitMetric = (typeof LIMIT_METRICS)[number];
export const LIMIT_ACTIONS = ['refuse', 'downgrade'] as const;
export type LimitAction = (typeof LIMIT_ACTIONS)[number];

export interface LimitRecord {
  id: string;
  scope: LimitScope;
  /** Route slug, channel instance id (also for `instance_user`) or API key id. */
  subject: string;
  metric: LimitMetric;
  dailyMax: number;
  action: LimitAction;
  createdAt: number;
}

export interface PriceRecord {
  model: string;
  inputPerMillionUsd: number;
  outputPerMillionUsd: number;
  updatedAt: number;
}

export interface ConversationRecord {
  key: string;
  channel: string;
  messages: ChatMessage[];
  tokens: number;
  updatedAt: number;
}

export interface UsageTotals {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

export interface UsageQuery {
  from: number;
  to: number;
}

export interface UsageGroupRow extends UsageTotals {
  key: string;
}

export interface ProviderStore {
  list(): Promise<ProviderRecord[]>;
  findById(id: string): Promise<ProviderRecord | null>;
  insert(record: ProviderRecord): Promise<void>;
  update(id: string, patch: Partial<Omit<ProviderRecord, 'id'>>): Promise<void>;
  remove(id: string): Promise<void>;
}

export interface PersonaStore {
  list(): Promise<PersonaRecord[]>;
  insert(record: PersonaRecord): Promise<void>;
  update(id: string, patch: Partial<Omit<PersonaRecord, 'id'>>): Promise<void>;
  remove(id: string): Promise<void>;
}

export interface FaqStore {
  list(): Promise<FaqRecord[]>;
  insert(record: FaqRecord): Promise<void>;
  update(id: string, patch: Partial<Omit<FaqRecord, 'id'>>): Promise<void>;
  addHits(id: string, count: number): Promise<void>;
  remove(id: string): Promise<void>;
}

export interface LatencyRow {
  provider: string;
  ttftMs: number | null;
  durationMs: number;
}

export interface UsageStore {
  insertMany(records: UsageRecord[]): Promise<void>;
  /** Totals per value of `groupBy` in [from, to). */
  totals(
    query: UsageQuery,
    groupBy: 'provider' | 'model' | 'route' | 'channel' | 'api_key' | 'instance' | null,
  ): Promise<UsageGroupRow[]>;
  /** Totals per time bucket (`bucketMs` wide) in [from, to), per provider when `byProvider`. */
  series(
    query: UsageQuery,
    bucketMs: number,
    byProvider?: boolean,
  ): Promise<Array<UsageTotals & { bucket: number; provider?: string }>>;
  /** Latencies of the newest successful upstream calls in [from, to), at most `limit` rows. */
  latencies(query: UsageQuery, limit: number): Promise<LatencyRow[]>;
  /** Today's totals for one limit subject (the usage behind a daily limit). */
  subjectTotals(scope: LimitScope, subject: string, from: number): Promise<UsageTotals>;
}

export interface LimitStore {
  list(): Promise<LimitRecord[]>;
  insert(record: LimitRecord): Promise<void>;
  remove(id: string): Promise<void>;
}

export interface PriceStore {
  list(): Promise<PriceRecord[]>;
  upsert(record: PriceRecord): Promise<void>;
  remove(model: string): Promise<void>;
}

export interface ConversationStore {
  find(key: string): Promise<ConversationRecord | null>;
  save(record: ConversationRecord): Promise<void>;
  remove(key: string): Promise<void>;
}
