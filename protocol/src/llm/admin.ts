import { Type, type Static } from 'typebox';
import { StrictObject } from '../common.js';

const Iso = Type.String({ format: 'date-time' });
const NullableNumber = (options: Record<string, number> = {}) => Type.Union([Type.Number(options), Type.Null()]);

export const PROVIDER_TYPES = [
  'vllm',
  'openai',
  'gemini',
  'anthropic',
  'deepseek',
  'kimi',
  'openrouter',
  'custom',
] as const;
export const ProviderType = Type.Union(PROVIDER_TYPES.map((t) => Type.Literal(t)));

export const ProviderView = StrictObject({
  id: Type.String(),
  name: Type.String(),
  type: Type.String(),
  baseUrl: Type.String(),
  apiKeySet: Type.Boolean(),
  apiKeyHint: Type.Union([Type.String(), Type.Null()], {
    description: 'Masked, e.g. sk-…a1b2; the key itself is never returned',
  }),
  models: Type.Array(Type.String()),
  priority: Type.Integer(),
  enabled: Type.Boolean(),
  timeoutMs: Type.Integer(),
  maxConcurrency: Type.Integer(),
  local: Type.Boolean({ description: 'On this box or the local network (not a cloud service)' }),
  health: Type.Union([Type.Literal('closed'), Type.Literal('open'), Type.Literal('half-open')]),
  inFlight: Type.Integer(),
  createdAt: Iso,
  updatedAt: Iso,
});
export type ProviderView = Static<typeof ProviderView>;

const providerFields = {
  name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' }),
  type: ProviderType,
  baseUrl: Type.Union([Type.String({ format: 'uri', maxLength: 512 }), Type.Null()]),
  apiKey: Type.Union([Type.String({ minLength: 1, maxLength: 1024 }), Type.Null()]),
  models: Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { minItems: 1, maxItems: 100 }),
  priority: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
  enabled: Type.Boolean(),
  timeoutMs: Type.Integer({ minimum: 100, maximum: 600_000 }),
  maxConcurrency: Type.Integer({ minimum: 1, maximum: 10_000 }),
  local: Type.Boolean({ description: 'Default: true for a loopback, private or single-label host' }),
};

export const CreateProviderRequest = StrictObject({
  name: providerFields.name,
  type: providerFields.type,
  models: providerFields.models,
  baseUrl: Type.Optional(providerFields.baseUrl),
  apiKey: Type.Optional(providerFields.apiKey),
  priority: Type.Optional(providerFields.priority),
  enabled: Type.Optional(providerFields.enabled),
  timeoutMs: Type.Optional(providerFields.timeoutMs),
  maxConcurrency: Type.Optional(providerFields.maxConcurrency),
  local: Type.Optional(providerFields.local),
});
export type CreateProviderRequest = Static<typeof CreateProviderRequest>;

export const UpdateProviderRequest = StrictObject({
  name: Type.Optional(providerFields.name),
  type: Type.Optional(providerFields.type),
  models: Type.Optional(providerFields.models),
  baseUrl: Type.Optional(providerFields.baseUrl),
  apiKey: Type.Optional(providerFields.apiKey),
  priority: Type.Optional(providerFields.priority),
  enabled: Type.Optional(providerFields.enabled),
  timeoutMs: Type.Optional(providerFields.timeoutMs),
  maxConcurrency: Type.Optional(providerFields.maxConcurrency),
  local: Type.Optional(providerFields.local),
});
export type UpdateProviderRequest = Static<typeof UpdateProviderRequest>;

export const ReorderProvidersRequest = StrictObject({
  ids: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 100 }),
});

export const ProviderTestResult = StrictObject({
  ok: Type.Boolean(),
  models: Type.Array(Type.String()),
  latencyMs: Type.Integer(),
  error: Type.Union([Type.String(), Type.Null()]),
});

const personaFields = {
  slug: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9_-]*$' }),
  name: Type.String({ minLength: 1, maxLength: 128 }),
  language: Type.String({ minLength: 2, maxLength: 16 }),
  systemPrompt: Type.String({ maxLength: 20_000 }),
  route: Type.String({ minLength: 1, maxLength: 256 }),
  businessName: Type.String({ maxLength: 128 }),
  timezone: Type.String({ minLength: 1, maxLength: 64 }),
  temperature: NullableNumber({ minimum: 0, maximum: 2 }),
  topP: NullableNumber({ minimum: 0, maximum: 1 }),
  maxTokens: Type.Union([Type.Integer({ minimum: 1, maximum: 1_000_000 }), Type.Null()]),
  useFaq: Type.Boolean(),
  localOnly: Type.Boolean({ description: 'Never use a cloud provider (degrade instead)' }),
};

export const PersonaView = StrictObject({ id: Type.String(), ...personaFields, createdAt: Iso, updatedAt: Iso });
export type PersonaView = Static<typeof PersonaView>;
export const CreatePersonaRequest = StrictObject({
  slug: personaFields.slug,
  name: personaFields.name,
  systemPrompt: personaFields.systemPrompt,
  language: Type.Optional(personaFields.language),
  route: Type.Optional(personaFields.route),
  businessName: Type.Optional(personaFields.businessName),
  timezone: Type.Optional(personaFields.timezone),
  temperature: Type.Optional(personaFields.temperature),
  topP: Type.Optional(personaFields.topP),
  maxTokens: Type.Optional(personaFields.maxTokens),
  useFaq: Type.Optional(personaFields.useFaq),
  localOnly: Type.Optional(personaFields.localOnly),
});
export type CreatePersonaRequest = Static<typeof CreatePersonaRequest>;
export const UpdatePersonaRequest = StrictObject(
  Object.fromEntries(Object.entries(personaFields).map(([k, v]) => [k, Type.Optional(v)])) as {
    [K in keyof typeof personaFields]: ReturnType<typeof Type.Optional<(typeof personaFields)[K]>>;
  },
);
export type UpdatePersonaRequest = Static<typeof UpdatePersonaRequest>;

const faqFields = {
  questions: Type.Array(Type.String({ minLength: 1, maxLength: 500 }), { minItems: 1, maxItems: 50 }),
  answer: Type.String({ minLength: 1, maxLength: 5000 }),
  language: Type.String({ minLength: 2, maxLength: 16 }),
  enabled: Type.Boolean(),
};
export const FaqView = StrictObject({
  id: Type.String(),
  ...faqFields,
  hits: Type.Integer(),
  createdAt: Iso,
  updatedAt: Iso,
});
export type FaqView = Static<typeof FaqView>;
export const CreateFaqRequest = StrictObject({
  questions: faqFields.questions,
  answer: faqFields.answer,
  language: Type.Optional(faqFields.language),
  enabled: Type.Optional(faqFields.enabled),
});
export type CreateFaqRequest = Static<typeof CreateFaqRequest>;
export const UpdateFaqRequest = StrictObject({
  questions: Type.Optional(faqFields.questions),
  answer: Type.Optional(faqFields.answer),
  language: Type.Optional(faqFields.language),
  enabled: Type.Optional(faqFields.enabled),
});
export type UpdateFaqRequest = Static<typeof UpdateFaqRequest>;
export const FaqTestRequest = StrictObject({ text: Type.String({ minLength: 1, maxLength: 2000 }) });
export const FaqTestResult = StrictObject({
  matched: Type.Boolean(),
  id: Type.Union([Type.String(), Type.Null()]),
  score: Type.Number(),
  question: Type.Union([Type.String(), Type.Null()]),
  answer: Type.Union([Type.String(), Type.Null()]),
});

export const LimitView = StrictObject({
  id: Type.String(),
  /** `instance_user`: the subject is an instance id, the limit applies to each of its users on their own. */
  scope: Type.Union([
    Type.Literal('route'),
    Type.Literal('instance'),
    Type.Literal('api_key'),
    Type.Literal('instance_user'),
  ]),
  subject: Type.String(),
  metric: Type.Union([Type.Literal('requests'), Type.Literal('tokens'), Type.Literal('cost_usd')]),
  dailyMax: Type.Number(),
  action: Type.Union([Type.Literal('refuse'), Type.Literal('downgrade')]),
  used: Type.Number({ description: 'Used today (UTC)' }),
  createdAt: Iso,
});
export type LimitView = Static<typeof LimitView>;
export const CreateLimitRequest = StrictObject({
  scope: LimitView.properties.scope,
  subject: Type.String({ minLength: 1, maxLength: 256 }),
  metric: LimitView.properties.metric,
  dailyMax: Type.Number({ minimum: 0 }),
  action: LimitView.properties.action,
});
export type CreateLimitRequest = Static<typeof CreateLimitRequest>;

export const PriceView = StrictObject({
  model: Type.String(),
  inputPerMillionUsd: Type.Number(),
  outputPerMillionUsd: Type.Number(),
  updatedAt: Iso,
});
export type PriceView = Static<typeof PriceView>;
export const SetPriceRequest = StrictObject({
  inputPerMillionUsd: Type.Number({ minimum: 0, maximum: 100_000 }),
  outputPerMillionUsd: Type.Number({ minimum: 0, maximum: 100_000 }),
});
export const ModelParams = StrictObject({ model: Type.String({ minLength: 1, maxLength: 256 }) });

export const UsageTotalsView = StrictObject({
  key: Type.String(),
  requests: Type.Integer(),
  promptTokens: Type.Integer(),
  completionTokens: Type.Integer(),
  costUsd: Type.Number(),
});
export const UsageSummaryQuery = StrictObject({
  from: Type.Optional(Iso),
  to: Type.Optional(Iso),
  groupBy: Type.Optional(
    Type.Union(['provider', 'model', 'route', 'channel', 'api_key', 'instance'].map((g) => Type.Literal(g))),
  ),
});
export const UsageSummary = StrictObject({
  from: Iso,
  to: Iso,
  total: UsageTotalsView,
  groups: Type.Array(UsageTotalsView),
});
export const UsageSeriesQuery = StrictObject({
  from: Type.Optional(Iso),
  to: Type.Optional(Iso),
  bucket: Type.Optional(Type.Union([Type.Literal('hour'), Type.Literal('day')])),
  groupBy: Type.Optional(Type.Literal('provider')),
});
export type UsageSeriesQuery = Static<typeof UsageSeriesQuery>;
export const UsageSeries = StrictObject({
  bucket: Type.String(),
  points: Type.Array(
    StrictObject({
      at: Iso,
      key: Type.Optional(Type.String({ description: 'The provider, with groupBy=provider' })),
      requests: Type.Integer(),
      promptTokens: Type.Integer(),
      completionTokens: Type.Integer(),
      costUsd: Type.Number(),
    }),
  ),
});
export type UsageSeries = Static<typeof UsageSeries>;
export type UsageSummaryQuery = Static<typeof UsageSummaryQuery>;
export type UsageSummary = Static<typeof UsageSummary>;

const Ms = Type.Union([Type.Number(), Type.Null()]);
export const UsageLatencyView = StrictObject({
  key: Type.String(),
  samples: Type.Integer(),
  ttftP50Ms: Ms,
  ttftP95Ms: Ms,
  totalP50Ms: Ms,
  totalP95Ms: Ms,
});
export type UsageLatencyView = Static<typeof UsageLatencyView>;
export const UsageLatencyQuery = StrictObject({ from: Type.Optional(Iso), to: Type.Optional(Iso) });
export const UsageLatency = StrictObject({
  from: Iso,
  to: Iso,
  total: UsageLatencyView,
  providers: Type.Array(UsageLatencyView),
});
export type UsageLatency = Static<typeof UsageLatency>;
