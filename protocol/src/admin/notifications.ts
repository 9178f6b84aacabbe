import { Type, type Static } from 'typebox';
import { Pagination, StrictObject } from '../common.js';

/** What a notification target can be told about. */
export const NOTIFICATION_EVENTS = [
  'message.taken',
  'call.missed',
  'call.voicemail',
  'sms.received',
  'process.failing',
  'payment.received',
] as const;
export const NotificationEvent = Type.Union([
  Type.Literal('message.taken'),
  Type.Literal('call.missed'),
  Type.Literal('call.voicemail'),
  Type.Literal('sms.received'),
  Type.Literal('process.failing'),
  Type.Literal('payment.received'),
]);
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export const NotificationTargetKind = Type.Union([
  Type.Literal('telegram'),
  Type.Literal('email'),
  Type.Literal('ntfy'),
  Type.Literal('discord-webhook'),
]);
export type NotificationTargetKind = Static<typeof NotificationTargetKind>;

/** `HH:MM`, 24-hour, in the business time zone. */
export const ClockTime = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' });
export const QuietHours = StrictObject({ start: ClockTime, end: ClockTime });
export type QuietHours = Static<typeof QuietHours>;

const ShortText = (maxLength: number) => Type.String({ minLength: 1, maxLength });

/** Where each kind delivers; secrets (password, token, webhook URL) are write-only. */
export const TelegramTargetInput = StrictObject({
  botId: ShortText(64),
  chatId: Type.String({ pattern: '^-?[0-9]{1,20}$|^@[A-Za-z0-9_]{4,64}$' }),
});
export const EmailTargetInput = StrictObject({
  host: ShortText(255),
  port: Type.Integer({ minimum: 1, maximum: 65_535 }),
  /** `tls`: TLS from the first byte (465); `starttls`: upgrade required; `none`: plain (tests, local relays). */
  tls: Type.Union([Type.Literal('tls'), Type.Literal('starttls'), Type.Literal('none')]),
  user: Type.Optional(Type.String({ maxLength: 255 })),
  password: Type.Optional(Type.String({ maxLength: 1024 })),
  from: ShortText(320),
  to: Type.Array(ShortText(320), { minItems: 1, maxItems: 20 }),
});
export const NtfyTargetInput = StrictObject({
  url: ShortText(2048),
  topic: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
  token: Type.Optional(Type.String({ maxLength: 1024 })),
});
export const DiscordWebhookTargetInput = StrictObject({ url: ShortText(2048) });

const targetFields = {
  name: ShortText(100),
  enabled: Type.Optional(Type.Boolean()),
  events: Type.Array(NotificationEvent, { minItems: 1, maxItems: 6, uniqueItems: true }),
  quietHours: Type.Optional(Type.Union([QuietHours, Type.Null()])),
  /** `process.failing` ignores the quiet hours of this target. */
  urgent: Type.Optional(Type.Boolean()),
  language: Type.Optional(Type.Union([Type.Literal('ru'), Type.Literal('en')])),
  telegram: Type.Optional(TelegramTargetInput),
  email: Type.Optional(EmailTargetInput),
  ntfy: Type.Optional(NtfyTargetInput),
  discordWebhook: Type.Optional(DiscordWebhookTargetInput),
};

/** The section named by `kind` is required; the others must be absent. */
export const CreateNotificationTargetRequest = StrictObject({ kind: NotificationTargetKind, ...targetFields });
export type CreateNotificationTargetRequest = Static<typeof CreateNotificationTargetRequest>;

/** Any field; a kind's section replaces the old one, an omitted secret keeps the sealed one. */
export const UpdateNotificationTargetRequest = Type.Partial(StrictObject(targetFields));
export type UpdateNotificationTargetRequest = Static<typeof UpdateNotificationTargetRequest>;

export const NotificationTargetView = StrictObject({
  id: Type.String(),
  name: Type.String(),
  kind: NotificationTargetKind,
  enabled: Type.Boolean(),
  events: Type.Array(NotificationEvent),
  quietHours: Type.Union([QuietHours, Type.Null()]),
  urgent: Type.Boolean(),
  language: Type.Union([Type.Literal('ru'), Type.Literal('en')]),
  /** Where it goes, without secrets (e.g. `chat 12345 via bot …`, `owner@example.com`, `ntfy.sh/topic`). */
  destination: Type.String(),
  /** Non-secret settings of the kind, for the edit form. */
  settings: Type.Record(Type.String(), Type.Unknown()),
  hasSecret: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type NotificationTargetView = Static<typeof NotificationTargetView>;

export const NotificationTestResult = StrictObject({
  ok: Type.Boolean(),
  error: Type.Union([Type.String(), Type.Null()]),
});
export type NotificationTestResult = Static<typeof NotificationTestResult>;

export const NotificationDeliveryStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('sending'),
  Type.Literal('sent'),
  Type.Literal('failed'),
]);
export type NotificationDeliveryStatus = Static<typeof NotificationDeliveryStatus>;

export const NotificationDeliveryView = StrictObject({
  id: Type.String(),
  targetId: Type.String(),
  targetName: Type.Union([Type.String(), Type.Null()]),
  event: Type.String(),
  status: NotificationDeliveryStatus,
  attempts: Type.Integer(),
  nextAttemptAt: Type.String(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  sentAt: Type.Union([Type.String(), Type.Null()]),
});
export type NotificationDeliveryView = Static<typeof NotificationDeliveryView>;

export const NotificationDeliveryQuery = StrictObject({
  status: Type.Optional(NotificationDeliveryStatus),
  ...Pagination,
});
export type NotificationDeliveryQuery = Static<typeof NotificationDeliveryQuery>;
