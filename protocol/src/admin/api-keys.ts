import { Type, type Static } from 'typebox';
import { StrictObject } from '../common.js';

export const ApiKeyView = StrictObject({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String({ description: 'The visible start of the key, e.g. sk-sec-3f9a2c1b' }),
  ownerId: Type.String(),
  rateLimitPerMinute: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type ApiKeyView = Static<typeof ApiKeyView>;

export const CreateApiKeyRequest = StrictObject({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  ownerId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  rateLimitPerMinute: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 100000 }), Type.Null()])),
});
export type CreateApiKeyRequest = Static<typeof CreateApiKeyRequest>;

export const CreatedApiKey = StrictObject({
  key: Type.String({ description: 'The full key; shown once and never again' }),
  apiKey: ApiKeyView,
});
export type CreatedApiKey = Static<typeof CreatedApiKey>;
