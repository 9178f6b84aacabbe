import { Type, type Static } from 'typebox';
import { Pagination, StrictObject } from '../common.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const TakenMessageView = StrictObject({
  id: Type.String(),
  conversationId: Nullable(Type.String()),
  channel: Type.String(),
  source: Type.Union([Type.Literal('llm'), Type.Literal('scripted')]),
  callerName: Type.String(),
  callbackNumber: Type.String(),
  reason: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  handledAt: Nullable(Type.String({ format: 'date-time' })),
  handledBy: Nullable(Type.String()),
});
export type TakenMessageView = Static<typeof TakenMessageView>;

export const MessageListQuery = StrictObject({
  handled: Type.Optional(Type.Boolean({ description: 'true: handled only; false: open only; absent: all' })),
  ...Pagination,
});
export type MessageListQuery = Static<typeof MessageListQuery>;

export const WebhookEvent = Type.Union([Type.Literal('message.taken'), Type.Literal('*')]);

export const WebhookView = StrictObject({
  id: Type.String(),
  url: Type.String(),
  event: WebhookEvent,
  enabled: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  lastDeliveryAt: Nullable(Type.String({ format: 'date-time' })),
  lastStatus: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Nullable(Type.String()),
});
export type WebhookView = Static<typeof WebhookView>;

export const CreateWebhookRequest = StrictObject({
  url: Type.String({
    minLength: 8,
    maxLength: 2048,
    pattern: '^https?://',
    description: 'http(s) URL receiving POSTs',
  }),
  event: Type.Optional(WebhookEvent),
  secret: Type.Optional(
    Type.String({ minLength: 16, maxLength: 256, description: 'HMAC key; generated when omitted' }),
  ),
});
export type CreateWebhookRequest = Static<typeof CreateWebhookRequest>;

export const CreatedWebhook = StrictObject({
  webhook: WebhookView,
  secret: Type.String({ description: 'The HMAC-SHA256 signing key; shown once' }),
});
export type CreatedWebhook = Static<typeof CreatedWebhook>;

export const TurnMetricsView = StrictObject({
  endOfSpeechDelayMs: Type.Union([Type.Number(), Type.Null()]),
  sttFinalMs: Type.Union([Type.Number(), Type.Null()]),
  llmTtftMs: Type.Union([Type.Number(), Type.Null()]),
  ttsFirstAudioMs: Type.Union([Type.Number(), Type.Null()]),
  voiceToVoiceMs: Type.Union([Type.Number(), Type.Null()]),
});
export type TurnMetricsView = Static<typeof TurnMetricsView>;

export const ConversationView = StrictObject({
  id: Type.String(),
  channel: Type.String(),
  caller: Nullable(Type.String()),
  startedAt: Type.String({ format: 'date-time' }),
  endedAt: Nullable(Type.String({ format: 'date-time' })),
  outcome: Nullable(Type.String()),
  turnCount: Type.Integer(),
  degradations: Type.Array(
    StrictObject({
      at: Type.String({ format: 'date-time' }),
      kind: Type.String(),
      detail: Type.Optional(Type.String()),
    }),
  ),
});
export type ConversationView = Static<typeof ConversationView>;

export const TurnView = StrictObject({
  index: Type.Integer(),
  mode: Type.String(),
  outcome: Type.String(),
  userText: Nullable(Type.String()),
  assistantText: Nullable(Type.String()),
  startedAt: Type.String({ format: 'date-time' }),
  endedAt: Type.String({ format: 'date-time' }),
  toolCalls: Type.Array(
    StrictObject({ name: Type.String(), arguments: Type.Record(Type.String(), Type.Unknown()), result: Type.String() }),
  ),
  metrics: TurnMetricsView,
});
export type TurnView = Static<typeof TurnView>;

export const ConversationDetail = StrictObject({ conversation: ConversationView, turns: Type.Array(TurnView) });
export type ConversationDetail = Static<typeof ConversationDetail>;
