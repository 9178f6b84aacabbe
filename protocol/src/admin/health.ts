import { Type, type Static } from 'typebox';

export const ComponentState = Type.Object({
  name: Type.String(),
  ok: Type.Boolean(),
  /** Working without something (e.g. no LLM reachable: calls are answered in degraded mode). */
  degraded: Type.Optional(Type.Boolean()),
  detail: Type.Optional(Type.String()),
});
export const ReadyResponse = Type.Object({
  ready: Type.Boolean(),
  /** `degraded`: ready (200), but a component works without something; `not ready`: 503. */
  status: Type.Union([Type.Literal('ready'), Type.Literal('degraded'), Type.Literal('not ready')]),
  components: Type.Array(ComponentState),
});
export type ReadyResponse = Static<typeof ReadyResponse>;
