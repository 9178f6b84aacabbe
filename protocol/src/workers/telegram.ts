import { Type, type Static } from 'typebox';
import { StrictObject } from '../common.js';
import { TelegramMenuButton } from '../admin/telegram.js';
import { FunnelInput, FunnelOutMessage } from '../admin/telegram-funnel.js';
import { OwnerAnswerMessage, OwnerPressMessage, OwnerPromptMessage } from './owner.js';

/**
 * What a Telegram bot process (kind `telegram-bot`) and the orchestrator say on the link after the hello.
 * The bot process talks to Telegram (grammY); the orchestrator decides what to answer (access, limits, the
 * LLM router, speech) and keeps the record. Every update is stored by the orchestrator before Telegram is told
 * it was received (long polling: `updates.received` → `updates.stored`, then the next `getUpdates` confirms
 * the offset; webhooks: stored before the 200), and handed to the bot process as `telegram.update` until it
 * says `update.done`, so a crash at any point loses nothing. A turn is one update that needs an answer; its id
 * is the update's, so a redelivered update is the same turn (answered once).
 */

const ChatId = Type.Integer();
const TurnId = Type.String({ minLength: 1, maxLength: 64 });
/** Base64 of an OGG/Opus file (voice notes both ways). */
const OggBase64 = Type.String({ maxLength: 28_000_000 });

export const TelegramTransport = Type.Union([
  StrictObject({ mode: Type.Literal('polling') }),
  StrictObject({
    mode: Type.Literal('webhook'),
    url: Type.String({ maxLength: 2000 }),
    secretToken: Type.String({ pattern: '^[A-Za-z0-9_-]{1,256}$' }),
  }),
]);
export type TelegramTransport = Static<typeof TelegramTransport>;

/** orchestrator → bot, after `welcome` and whenever the bot's settings change. */
export const TelegramConfigMessage = StrictObject({
  type: Type.Literal('telegram.config'),
  token: Type.String({ minLength: 1, maxLength: 200 }),
  /** Bot API server root, no trailing slash (`TELEGRAM_API_ROOT`). */
  apiRoot: Type.String({ minLength: 1, maxLength: 500 }),
  transport: TelegramTransport,
  language: Type.Union([Type.Literal('ru'), Type.Literal('en')]),
  groupMode: Type.Union([Type.Literal('mention'), Type.Literal('off')]),
  transcript: Type.Union([Type.Literal('off'), Type.Literal('inline'), Type.Literal('collapsed')]),
  greeting: Type.String({ maxLength: 4000 }),
  menu: Type.Array(TelegramMenuButton, { maxItems: 12 }),
  /** Voice notes longer or larger than this are refused politely before download. */
  maxVoiceSeconds: Type.Integer({ minimum: 1 }),
  maxVoiceBytes: Type.Integer({ minimum: 1 }),
  /** A sales funnel is published: /start, its buttons and private texts go to the orchestrator first. */
  funnel: Type.Optional(Type.Boolean()),
});
export type TelegramConfigMessage = Static<typeof TelegramConfigMessage>;

/** A Telegram `Update` as the Bot API sends it (checked further by the bot process). */
export const RawUpdate = Type.Object({ update_id: Type.Integer({ minimum: 0 }) });
export type RawUpdate = Static<typeof RawUpdate> & Record<string, unknown>;

/** orchestrator → bot: a stored update to handle (sent again after a restart until `update.done`). */
export const TelegramUpdateMessage = StrictObject({
  type: Type.Literal('telegram.update'),
  update: RawUpdate,
});
export type TelegramUpdateMessage = Static<typeof TelegramUpdateMessage>;

/** orchestrator → bot: the batch is stored; the next `getUpdates` may confirm it. */
export const UpdatesStoredMessage = StrictObject({
  type: Type.Literal('updates.stored'),
  batchId: Type.Integer({ minimum: 0 }),
});
export type UpdatesStoredMessage = Static<typeof UpdatesStoredMessage>;

/** orchestrator → bot: more of the reply being written (shown as a draft or an edited message). */
export const TurnDeltaMessage = StrictObject({
  type: Type.Literal('turn.delta'),
  turnId: TurnId,
  text: Type.String(),
});
export type TurnDeltaMessage = Static<typeof TurnDeltaMessage>;

/** orchestrator → bot: the final answer to a turn (`skip`: it was already delivered, send nothing). */
export const TurnReplyMessage = StrictObject({
  type: Type.Literal('turn.reply'),
  turnId: TurnId,
  text: Type.String(),
  /** The user's voice note as recognized (shown per the bot's `transcript` setting). */
  transcript: Type.Union([Type.String(), Type.Null()]),
  voice: Type.Union([OggBase64, Type.Null()]),
  skip: Type.Boolean(),
  /** The answer could not be written: offer the "leave a message / call me back" form under the apology. */
  offerMessage: Type.Optional(Type.Boolean()),
});
export type TurnReplyMessage = Static<typeof TurnReplyMessage>;

/**
 * orchestrator → bot: what the funnel says to a `funnel.input` (same `updateId`). `handled: false`: not the
 * funnel's (no funnel, or the subscriber is talking to the model): the bot answers it as a turn.
 */
export const FunnelReplyMessage = StrictObject({
  type: Type.Literal('funnel.reply'),
  updateId: Type.Integer(),
  handled: Type.Boolean(),
  messages: Type.Array(FunnelOutMessage, { maxItems: 20 }),
});
export type FunnelReplyMessage = Static<typeof FunnelReplyMessage>;

export const TelegramOrchestratorMessage = Type.Union([
  FunnelReplyMessage,
  TelegramConfigMessage,
  TelegramUpdateMessage,
  UpdatesStoredMessage,
  TurnDeltaMessage,
  TurnReplyMessage,
  OwnerPromptMessage,
  OwnerAnswerMessage,
]);
export type TelegramOrchestratorMessage = Static<typeof TelegramOrchestratorMessage>;

/** bot → orchestrator: Telegram accepted the token and updates are coming (polling or webhook set). */
export const TelegramReadyMessage = StrictObject({
  type: Type.Literal('telegram.ready'),
  username: Type.String(),
  telegramId: Type.Integer(),
  mode: Type.Union([Type.Literal('polling'), Type.Literal('webhook')]),
});
export type TelegramReadyMessage = Static<typeof TelegramReadyMessage>;

export const TelegramUser = StrictObject({
  id: Type.Integer(),
  username: Type.Optional(Type.String({ maxLength: 64 })),
  name: Type.Optional(Type.String({ maxLength: 256 })),
  languageCode: Type.Optional(Type.String({ maxLength: 16 })),
});
export type TelegramUser = Static<typeof TelegramUser>;

/** bot → orchestrator: a user said something that needs an answer. */
export const TurnStartMessage = StrictObject({
  type: Type.Literal('turn.start'),
  turnId: TurnId,
  updateId: Type.Integer(),
  chat: StrictObject({
    id: ChatId,
    type: Type.Union([
      Type.Literal('private'),
      Type.Literal('group'),
      Type.Literal('supergroup'),
      Type.Literal('channel'),
    ]),
  }),
  from: TelegramUser,
  kind: Type.Union([Type.Literal('text'), Type.Literal('voice'), Type.Literal('button')]),
  /** The message text (text), the button's prompt (button); absent for voice. */
  text: Type.Optional(Type.String({ maxLength: 16_384 })),
  voice: Type.Optional(StrictObject({ ogg: OggBase64, durationS: Type.Number({ minimum: 0 }) })),
  /** Drafts can be shown (a private chat). */
  draftable: Type.Boolean(),
});
export type TurnStartMessage = Static<typeof TurnStartMessage>;

/** bot → orchestrator: the reply of a turn reached Telegram (message ids), so a redelivery sends nothing. */
export const TurnSentMessage = StrictObject({
  type: Type.Literal('turn.sent'),
  turnId: TurnId,
  messageIds: Type.Array(Type.Integer()),
});
export type TurnSentMessage = Static<typeof TurnSentMessage>;

/** bot → orchestrator: `/reset` or `/stop` in a chat (forget the conversation; `/stop` also unsubscribes). */
export const ChatResetMessage = StrictObject({
  type: Type.Literal('chat.reset'),
  chatId: ChatId,
  unsubscribe: Type.Boolean(),
});
export type ChatResetMessage = Static<typeof ChatResetMessage>;

/** bot → orchestrator: `/start` in a private chat (a subscriber), with the deep-link parameter as its source. */
export const ChatStartMessage = StrictObject({
  type: Type.Literal('chat.start'),
  chatId: ChatId,
  from: TelegramUser,
  /** `t.me/<bot>?start=<source>`: an ad campaign, a QR code on a flyer (1–64 of A–Z a–z 0–9 _ -). */
  source: Type.Union([Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }), Type.Null()]),
});
export type ChatStartMessage = Static<typeof ChatStartMessage>;

/** bot → orchestrator: the user blocked the bot (`kicked`) or unblocked it (`member`), from `my_chat_member`. */
export const ChatMemberMessage = StrictObject({
  type: Type.Literal('chat.member'),
  chatId: ChatId,
  blocked: Type.Boolean(),
});
export type ChatMemberMessage = Static<typeof ChatMemberMessage>;

/** bot → orchestrator: a filled "leave a message / call me back" form. */
export const LeadMessage = StrictObject({
  type: Type.Literal('lead'),
  chatId: ChatId,
  from: TelegramUser,
  name: Type.String({ minLength: 1, maxLength: 200 }),
  phone: Type.String({ minLength: 1, maxLength: 64 }),
  note: Type.String({ maxLength: 4000 }),
});
export type LeadMessage = Static<typeof LeadMessage>;

/** bot → orchestrator: updates `getUpdates` returned, to be stored before their offset is confirmed. */
export const UpdatesReceivedMessage = StrictObject({
  type: Type.Literal('updates.received'),
  batchId: Type.Integer({ minimum: 0 }),
  updates: Type.Array(RawUpdate, { maxItems: 100 }),
});
export type UpdatesReceivedMessage = Static<typeof UpdatesReceivedMessage>;

/** bot → orchestrator: an update was handled; it is not sent again. */
export const UpdateDoneMessage = StrictObject({
  type: Type.Literal('update.done'),
  updateId: Type.Integer(),
});
export type UpdateDoneMessage = Static<typeof UpdateDoneMessage>;

/**
 * bot → orchestrator: /start, a `funnel:` button or a private text, for the funnel. One answer per update id
 * (a redelivered update gets the stored answer again, or nothing once `funnel.sent` said it reached Telegram).
 */
export const FunnelInputMessage = StrictObject({
  type: Type.Literal('funnel.input'),
  updateId: Type.Integer(),
  chatId: ChatId,
  from: TelegramUser,
  /** /start's deep-link parameter. */
  source: Type.Optional(Type.Union([Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }), Type.Null()])),
  input: FunnelInput,
});
export type FunnelInputMessage = Static<typeof FunnelInputMessage>;

/** bot → orchestrator: the funnel's answer to that update reached Telegram. */
export const FunnelSentMessage = StrictObject({
  type: Type.Literal('funnel.sent'),
  updateId: Type.Integer(),
  chatId: ChatId,
});
export type FunnelSentMessage = Static<typeof FunnelSentMessage>;

export const TelegramBotMessage = Type.Union([
  FunnelInputMessage,
  FunnelSentMessage,
  TelegramReadyMessage,
  TurnStartMessage,
  TurnSentMessage,
  ChatResetMessage,
  ChatStartMessage,
  ChatMemberMessage,
  LeadMessage,
  UpdatesReceivedMessage,
  UpdateDoneMessage,
  OwnerPressMessage,
]);
export type TelegramBotMessage = Static<typeof TelegramBotMessage>;
