import { Type, type Static, type TProperties, type TSchema } from 'typebox';

/** An object schema that refuses unknown fields (the server never drops input silently). */
export function StrictObject<T extends TProperties>(properties: T, options: { description?: string } = {}) {
  return Type.Object(properties, { ...options, additionalProperties: false });
}

export const AdminErrorBody = StrictObject({
  error: StrictObject({
    code: Type.String({ description: 'Machine-readable error code, e.g. AUTH_INVALID_CREDENTIALS' }),
    message: Type.String(),
  }),
});
export type AdminErrorBody = Static<typeof AdminErrorBody>;

export const OpenAiErrorBody = Type.Object({
  error: Type.Object({
    message: Type.String(),
    type: Type.String(),
    param: Type.Union([Type.String(), Type.Null()]),
    code: Type.Union([Type.String(), Type.Null()]),
  }),
});
export type OpenAiErrorBody = Static<typeof OpenAiErrorBody>;

export const IdParams = StrictObject({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export type IdParams = Static<typeof IdParams>;

export const Ok = StrictObject({ ok: Type.Literal(true) });

export function Paged<T extends TSchema>(item: T) {
  return StrictObject({ items: Type.Array(item), total: Type.Integer() });
}

export const Pagination = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
};
