import { Type, type Static, type TOptional, type TSchema } from 'typebox';
import { StrictObject } from '../common.js';
import { QuietHours } from './notifications.js';

/** A Telegram user id (positive) or, in lists, a chat id. */
const TelegramId = Type.Integer({ minimum: 1, maximum: 9_007_199_254_740_991 });

/** One menu button: what pressing it does. */
export const TelegramMenuButton = StrictObject({
  label: Type.String({ minLength: 1, maxLength: 64 }),
  action: Type.Union([
    Type.Literal('answer'), // a canned answer (`text`)
    Type.Literal('prompt'), // the persona answers `text` as the user's question
    Type.Literal('form'), // "leave a message / call me back": name + phone, stored as a taken message
    Type.Literal('link'), // opens `url`
  ]),
  text: Type.Optional(Type.String({ maxLength: 4000 })),
  url: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 500 })),
});
export type TelegramMenuButton = Static<typeof TelegramMenuButton>;

/** Settings an admin edits per bot (all optional on create and PATCH; defaults apply). */
export const TelegramBotSettings = {
  /** Persona slug or model route the bot answers with. */
  persona: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._:/-]+$' }),
  /** Language of the bot's own texts (commands, greetings, apologies); the model follows the user. */
  language: Type.Union([Type.Literal('ru'), Type.Literal('en')]),
  /** Telegram user ids allowed to talk to the bot; empty: everyone. */
  allowedUsers: Type.Array(TelegramId, { maxItems: 1000 }),
  /** Telegram user ids who may use the bot's admin commands (/status). */
  adminUsers: Type.Array(TelegramId, { maxItems: 100 }),
  /** Telegram user ids the bot ignores. */
  blockedUsers: Type.Array(TelegramId, { maxItems: 10_000 }),
  /** Messages one user may send per window before the bot asks them to slow down. */
  rateLimit: StrictObject({
    messages: Type.Integer({ minimum: 1, maximum: 1000 }),
    windowSeconds: Type.Integer({ minimum: 1, maximum: 86_400 }),
  }),
  /** In groups: answer only when mentioned or replied to (`mention`), or never (`off`). */
  groupMode: Type.Union([Type.Literal('mention'), Type.Literal('off')]),
  /** Voice replies: never, when the user sent a voice note, or always. */
  voiceReplies: Type.Union([Type.Literal('off'), Type.Literal('voice'), Type.Literal('always')]),
  /** TTS voice id for voice replies (null: the first voice of the bot's language). */
  ttsVoice: Type.Union([Type.String({ minLength: 1, maxLength: 128 }), Type.Null()]),
  /** How a voice note's transcript is shown: not at all, as a line before the reply, or collapsed. */
  transcript: Type.Union([Type.Literal('off'), Type.Literal('inline'), Type.Literal('collapsed')]),
  /** Text sent on /start (empty: the default greeting in the bot's language). */
  greeting: Type.String({ maxLength: 4000 }),
  menu: Type.Array(TelegramMenuButton, { maxItems: 12 }),
  /** IANA time zone of the bot's audience, for follow-up quiet hours (null or absent: the business time zone). */
  timeZone: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()])),
  /** Local hours no follow-up is sent in (absent: 21:00–09:00; null: none). */
  followupQuietHours: Type.Optional(Type.Union([QuietHours, Type.Null()])),
};

export const TelegramBotSettingsSchema = StrictObject(TelegramBotSettings);
export type TelegramBotSettings = Static<typeof TelegramBotSettingsSchema>;

export const TelegramBotStatus = Type.Union([
  Type.Literal('stopped'),
  Type.Literal('starting'),
  Type.Literal('running'),
  Type.Literal('crashed'),
  Type.Literal('stopping'),
  Type.Literal('failed'),
]);
export type TelegramBotStatus = Static<typeof TelegramBotStatus>;

export const TelegramBotView = StrictObject({
  id: Type.String(),
  name: Type.String(),
  /** The bot's @username and Telegram id, from getMe. */
  username: Type.String(),
  telegramId: Type.Integer(),
  /** The token's first digits and last 4 characters; the token itself is never returned. */
  tokenHint: Type.String(),
  ...TelegramBotSettings,
  autoStart: Type.Boolean(),
  status: TelegramBotStatus,
  /** Why it is failed or crashed (the last exit, a revoked token, a crash loop). */
  lastError: Type.Union([Type.String(), Type.Null()]),
  transport: Type.Union([Type.Literal('polling'), Type.Literal('webhook')]),
  pid: Type.Union([Type.Integer(), Type.Null()]),
  rssBytes: Type.Union([Type.Integer(), Type.Null()]),
  restarts: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type TelegramBotView = Static<typeof TelegramBotView>;

const Token = Type.String({
  minLength: 1,
  maxLength: 200,
  description: 'The token @BotFather gave, e.g. 123456789:AA…',
});

/** Every property of `props`, optional (create and PATCH bodies). */
function optional<T extends Record<string, TSchema>>(props: T): { [K in keyof T]: TOptional<T[K]> } {
  return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, Type.Optional(v)])) as {
    [K in keyof T]: TOptional<T[K]>;
  };
}

export const CreateTelegramBotRequest = StrictObject({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  token: Token,
  /** Start the bot at once (default true). */
  autoStart: Type.Optional(Type.Boolean()),
  ...optional(TelegramBotSettings),
});
export type CreateTelegramBotRequest = Static<typeof CreateTelegramBotRequest>;

export const UpdateTelegramBotRequest = StrictObject({
  ...optional({ name: Type.String({ minLength: 1, maxLength: 100 }), token: Token, autoStart: Type.Boolean() }),
  ...optional(TelegramBotSettings),
});
export type UpdateTelegramBotRequest = Static<typeof UpdateTelegramBotRequest>;

export const TelegramTurnView = StrictObject({
  id: Type.String(),
  chatId: Type.Integer(),
  userId: Type.Union([Type.Integer(), Type.Null()]),
  userName: Type.Union([Type.String(), Type.Null()]),
  kind: Type.Union([Type.Literal('text'), Type.Literal('voice'), Type.Literal('button')]),
  /** What the user wrote, or the transcript of their voice note. */
  text: Type.String(),
  reply: Type.Union([Type.String(), Type.Null()]),
  replyVoice: Type.Boolean(),
  /** How the turn ended: answered, refused (not allowed, rate limited), failed (the LLM was down). */
  status: Type.String(),
  /** URL of the user's voice note (admin access), when one was kept. */
  audioUrl: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});
export type TelegramTurnView = Static<typeof TelegramTurnView>;

export const TelegramChatView = StrictObject({
  chatId: Type.Integer(),
  userName: Type.Union([Type.String(), Type.Null()]),
  turns: Type.Integer(),
  lastAt: Type.String({ format: 'date-time' }),
});
export type TelegramChatView = Static<typeof TelegramChatView>;

export const TelegramSubscriberView = StrictObject({
  chatId: Type.Integer(),
  userId: Type.Union([Type.Integer(), Type.Null()]),
  userName: Type.Union([Type.String(), Type.Null()]),
  language: Type.Union([Type.String(), Type.Null()]),
  /** The deep-link `start` parameter the user came with (a campaign), if any. */
  source: Type.Union([Type.String(), Type.Null()]),
  /** `active`; `unsubscribed` (/stop); `blocked` (the user blocked the bot). */
  status: Type.Union([Type.Literal('active'), Type.Literal('unsubscribed'), Type.Literal('blocked')]),
  /** The sales-funnel segment their answers put them in, the step they are on, their answers and consent. */
  segment: Type.Union([Type.String(), Type.Null()]),
  funnelStep: Type.Union([Type.String(), Type.Null()]),
  answers: Type.Record(Type.String(), Type.String()),
  consentAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastActivityAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  subscribedAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type TelegramSubscriberView = Static<typeof TelegramSubscriberView>;

export const TelegramSubscriberQuery = StrictObject({
  status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('unsubscribed'), Type.Literal('blocked')])),
  segment: Type.Optional(Type.String({ maxLength: 32 })),
  source: Type.Optional(Type.String({ maxLength: 64 })),
  step: Type.Optional(Type.String({ maxLength: 64 })),
});
export type TelegramSubscriberQuery = Static<typeof TelegramSubscriberQuery>;
