import { Type, type Static } from 'typebox';
import { StrictObject } from '../common.js';

export const HttpToolMethod = Type.Union([
  Type.Literal('GET'),
  Type.Literal('POST'),
  Type.Literal('PUT'),
  Type.Literal('PATCH'),
  Type.Literal('DELETE'),
]);
export type HttpToolMethod = Static<typeof HttpToolMethod>;

/** The channels whose conversations may offer a tool. */
export const HttpToolChannel = Type.Union([
  Type.Literal('v1'),
  Type.Literal('voice'),
  Type.Literal('telegram'),
  Type.Literal('discord'),
]);
export type HttpToolChannel = Static<typeof HttpToolChannel>;
export const HTTP_TOOL_CHANNELS: readonly HttpToolChannel[] = ['v1', 'voice', 'telegram', 'discord'];

/** The tool name the model sees: what OpenAI-compatible providers accept for a function name. */
export const HTTP_TOOL_NAME_PATTERN = '^[a-zA-Z][a-zA-Z0-9_-]{0,63}$';

/** A header as the admin sends it: a secret one is sealed at rest and never returned. */
export const HttpToolHeaderInput = StrictObject({
  name: Type.String({ minLength: 1, maxLength: 128, pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" }),
  /** Absent on an update: keep the stored value (secret ones are never shown, so they are never sent back). */
  value: Type.Optional(Type.String({ maxLength: 4096 })),
  secret: Type.Optional(Type.Boolean()),
});
export type HttpToolHeaderInput = Static<typeof HttpToolHeaderInput>;

export const HttpToolHeaderView = StrictObject({
  name: Type.String(),
  secret: Type.Boolean(),
  /** Only for headers that are not secret. */
  value: Type.Union([Type.String(), Type.Null()]),
});

const fields = {
  name: Type.String({ pattern: HTTP_TOOL_NAME_PATTERN, description: 'The function name the model calls' }),
  description: Type.String({ minLength: 1, maxLength: 2000 }),
  /** JSON Schema (draft 2020-12 / 7 keywords) of the arguments object; checked when saved. */
  parameters: Type.Unknown(),
  method: HttpToolMethod,
  /** `https://shop.example/api/orders/{order_id}`: placeholders are arguments, filled URL-encoded. */
  urlTemplate: Type.String({ minLength: 8, maxLength: 2048 }),
  headers: Type.Array(HttpToolHeaderInput, { maxItems: 20 }),
  timeoutMs: Type.Integer({ minimum: 100, maximum: 30_000 }),
  maxResponseBytes: Type.Integer({ minimum: 256, maximum: 1_048_576 }),
  /** A dotted path into a JSON answer (`data.status`, `items.0.name`): only that part goes back to the model. */
  responsePath: Type.Union([Type.String({ maxLength: 256 }), Type.Null()]),
  /** Persona slugs that may use it; empty: every persona. */
  personas: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 50 }),
  /** Channels that may use it; empty: every channel. */
  channels: Type.Array(HttpToolChannel, { maxItems: 4 }),
  /** A side-effecting tool (it changes something) runs only where someone confirms it. */
  sideEffects: Type.Boolean(),
  /** Lets this tool reach loopback / private / link-local addresses (shown as a warning). */
  allowPrivateNetwork: Type.Boolean(),
  enabled: Type.Boolean(),
};

/** POST /api/tools. */
export const CreateHttpToolRequest = StrictObject({
  ...fields,
  headers: Type.Optional(fields.headers),
  timeoutMs: Type.Optional(fields.timeoutMs),
  maxResponseBytes: Type.Optional(fields.maxResponseBytes),
  responsePath: Type.Optional(fields.responsePath),
  personas: Type.Optional(fields.personas),
  channels: Type.Optional(fields.channels),
  sideEffects: Type.Optional(fields.sideEffects),
  allowPrivateNetwork: Type.Optional(fields.allowPrivateNetwork),
  enabled: Type.Optional(fields.enabled),
});
export type CreateHttpToolRequest = Static<typeof CreateHttpToolRequest>;

/** PATCH /api/tools/:id: any subset; `headers` replaces the list (a header sent without value keeps its value). */
export const UpdateHttpToolRequest = Type.Partial(StrictObject(fields), { additionalProperties: false });
export type UpdateHttpToolRequest = Static<typeof UpdateHttpToolRequest>;

export const HttpToolView = StrictObject({
  id: Type.String(),
  ...fields,
  headers: Type.Array(HttpToolHeaderView),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
});
export type HttpToolView = Static<typeof HttpToolView>;

export const HttpToolOutcome = Type.Union([
  Type.Literal('ok'),
  Type.Literal('http_error'),
  Type.Literal('invalid_arguments'),
  Type.Literal('refused'),
  Type.Literal('timeout'),
  Type.Literal('failed'),
]);
export type HttpToolOutcome = Static<typeof HttpToolOutcome>;

export const HttpToolCallView = StrictObject({
  id: Type.String(),
  toolId: Type.String(),
  toolName: Type.String(),
  channel: Type.String(),
  route: Type.Union([Type.String(), Type.Null()]),
  arguments: Type.String(),
  outcome: HttpToolOutcome,
  httpStatus: Type.Union([Type.Integer(), Type.Null()]),
  latencyMs: Type.Integer(),
  error: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.Integer(),
});
export type HttpToolCallView = Static<typeof HttpToolCallView>;

/** POST /api/tools/:id/test: runs the saved tool once with these arguments (the admin's press confirms it). */
export const TestHttpToolRequest = StrictObject({ arguments: Type.Record(Type.String(), Type.Unknown()) });

export const TestHttpToolResult = StrictObject({
  outcome: HttpToolOutcome,
  httpStatus: Type.Union([Type.Integer(), Type.Null()]),
  latencyMs: Type.Integer(),
  /** What the model would read. */
  result: Type.String(),
});
