import { Type, type Static } from 'typebox';
import { StrictObject } from '../common.js';

/** An exact web origin: scheme, host and optional port, no path (`https://shop.example`). */
const Origin = Type.String({
  pattern: '^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$',
  maxLength: 255,
  description: 'Exact origin, e.g. https://shop.example',
});

/** How the website widget looks; null: the widget's default (or the business settings' greeting and language). */
export const WidgetAppearance = StrictObject({
  title: Type.Union([Type.String({ minLength: 1, maxLength: 80 }), Type.Null()]),
  greeting: Type.Union([Type.String({ minLength: 1, maxLength: 500 }), Type.Null()]),
  color: Type.Union([
    Type.String({ pattern: '^#[0-9A-Fa-f]{6}$', description: 'Accent colour, #rrggbb' }),
    Type.Null(),
  ]),
  position: Type.Union([Type.Literal('right'), Type.Literal('left'), Type.Null()]),
  language: Type.Union([Type.Literal('ru'), Type.Literal('en'), Type.Null()]),
});
export type WidgetAppearance = Static<typeof WidgetAppearance>;

export const WidgetTokenView = StrictObject({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String({ description: 'The visible start of the token, e.g. wt-3f9a2c1b' }),
  allowedOrigins: Type.Array(Type.String(), { description: 'Empty: any origin' }),
  route: Type.Union([Type.String(), Type.Null()], { description: 'Persona slug or model route; null: default' }),
  maxConcurrentSessions: Type.Integer(),
  appearance: WidgetAppearance,
  openSessions: Type.Integer({ description: 'GET /ws/voice sessions open with this token (this server process)' }),
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type WidgetTokenView = Static<typeof WidgetTokenView>;

export const CreateWidgetTokenRequest = StrictObject({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  allowedOrigins: Type.Optional(Type.Array(Origin, { maxItems: 50 })),
  route: Type.Optional(
    Type.Union([Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._:/-]+$' }), Type.Null()]),
  ),
  maxConcurrentSessions: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  appearance: Type.Optional(WidgetAppearance),
});
export type CreateWidgetTokenRequest = Static<typeof CreateWidgetTokenRequest>;

export const CreatedWidgetToken = StrictObject({
  token: Type.String({ description: 'The full token; shown once and never again' }),
  widgetToken: WidgetTokenView,
});
export type CreatedWidgetToken = Static<typeof CreatedWidgetToken>;

/** `PATCH /api/widget-tokens/:id`: the persona and the look (the secret and origins stay). */
export const UpdateWidgetTokenRequest = StrictObject({
  route: Type.Optional(
    Type.Union([Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._:/-]+$' }), Type.Null()]),
  ),
  appearance: Type.Optional(WidgetAppearance),
});
export type UpdateWidgetTokenRequest = Static<typeof UpdateWidgetTokenRequest>;
