import { Type, type Static } from 'typebox';

export const ComponentState = Type.Object({
  name: Type.String(),
  ok: Type.Boolean(),
  detail: Type.Optional(Type.String()),
});
export const ReadyResponse = Type.Object({
  ready: Type.Boolean(),
  components: Type.Array(ComponentState),
});
export type ReadyResponse = Static<typeof ReadyResponse>;
