import { Type, type Static } from 'typebox';
import { StrictObject } from '../common.js';

/**
 * The public chat API the website widget (`/widget.js`) talks to: `/api/widget/*`, authenticated by the widget
 * token (`Authorization: Bearer wt-…`) and the page's `Origin` (docs/widget.md).
 */

/** A visitor id the widget mints once and keeps in localStorage: `v-` and 22 to 64 URL-safe characters. */
export const WIDGET_VISITOR_PATTERN = '^v-[A-Za-z0-9_-]{22,64}$';
export const WidgetVisitorId = Type.String({ pattern: WIDGET_VISITOR_PATTERN, maxLength: 66 });

export const WidgetConfigView = StrictObject({
  title: Type.Union([Type.String(), Type.Null()]),
  greeting: Type.Union([Type.String(), Type.Null()]),
  color: Type.Union([Type.String(), Type.Null()]),
  position: Type.Union([Type.Literal('right'), Type.Literal('left')]),
  language: Type.Union([Type.Literal('ru'), Type.Literal('en')]),
  businessName: Type.String(),
  /** Outside the saved business hours: the widget offers the leave-a-message form first. */
  open: Type.Boolean(),
  maxMessageChars: Type.Integer(),
  voice: Type.Boolean({ description: 'Whether a voice session can be started now' }),
});
export type WidgetConfigView = Static<typeof WidgetConfigView>;

export const WidgetHistoryQuery = StrictObject({ visitorId: WidgetVisitorId });
export const WidgetHistoryItem = StrictObject({
  role: Type.Union([Type.Literal('user'), Type.Literal('assistant')]),
  text: Type.String(),
  /** When it was said (ISO 8601); null for history kept before the times were recorded. */
  at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export const WidgetHistory = StrictObject({ items: Type.Array(WidgetHistoryItem) });
export type WidgetHistory = Static<typeof WidgetHistory>;

/** The body is checked by the route (size limit with its own error), so `text` has no schema maximum. */
export const WidgetChatRequest = StrictObject({
  visitorId: WidgetVisitorId,
  text: Type.String({ minLength: 1 }),
});
export type WidgetChatRequest = Static<typeof WidgetChatRequest>;

/**
 * `POST /api/widget/chat` answers `text/event-stream`: `delta` events (`{ text }`) as the reply is written, then
 * one `done` (`{ text }`, the whole reply) or one `error` (`{ code, message, offerMessage }`).
 */
export const WidgetChatEvent = Type.Union([
  StrictObject({ type: Type.Literal('delta'), text: Type.String() }),
  StrictObject({ type: Type.Literal('done'), text: Type.String() }),
  StrictObject({
    type: Type.Literal('error'),
    code: Type.String(),
    message: Type.String(),
    offerMessage: Type.Boolean(),
  }),
]);
export type WidgetChatEvent = Static<typeof WidgetChatEvent>;

export const WidgetMessageRequest = StrictObject({
  visitorId: WidgetVisitorId,
  name: Type.String({ minLength: 1, maxLength: 100 }),
  contact: Type.String({ minLength: 3, maxLength: 200, description: 'A phone number or an e-mail address' }),
  text: Type.String({ minLength: 1, maxLength: 2000 }),
});
export type WidgetMessageRequest = Static<typeof WidgetMessageRequest>;
