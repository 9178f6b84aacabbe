import { Type, type Static } from 'typebox';
import { StrictObject } from '../common.js';
import { DiscordSnowflake } from '../admin/discord.js';
import { OwnerAnswerMessage, OwnerPressMessage, OwnerPromptMessage } from './owner.js';
import {
  DiscordAutocompleteMessage,
  DiscordChoicesMessage,
  DiscordCommandReplyMessage,
  DiscordCommandStartMessage,
  DiscordGuildsMessage,
} from './discord-commands.js';
import {
  DiscordVoiceJoinMessage,
  DiscordVoiceLeaveMessage,
  DiscordVoiceOptions,
  DiscordVoiceStateMessage,
} from './discord-voice.js';

/**
 * What a Discord bot process (kind `discord-bot`) and the orchestrator say on the link after the hello. The
 * bot process holds the gateway (discord.js) and decides which messages are for it (mentions, replies, DMs,
 * its chosen channels); the orchestrator decides what to answer (access, the LLM router) and keeps the record.
 * A turn is one message (or a burst of one user's messages in one channel); its id is the first message's id,
 * so the same message is answered once.
 */

const TurnId = Type.String({ minLength: 1, maxLength: 64 });

/** orchestrator → bot, after `welcome` and whenever the bot's settings change. */
export const DiscordConfigMessage = StrictObject({
  type: Type.Literal('discord.config'),
  token: Type.String({ minLength: 1, maxLength: 200 }),
  /** REST root without the version (`DISCORD_API_ROOT`, e.g. https://discord.com/api). */
  apiRoot: Type.String({ minLength: 1, maxLength: 500 }),
  language: Type.Union([Type.Literal('ru'), Type.Literal('en')]),
  /** Channels answered without a mention. */
  channels: Type.Array(DiscordSnowflake, { maxItems: 500 }),
  /** One user's messages in one channel closer together than this become one turn (0: no buffering). */
  burstWindowMs: Type.Integer({ minimum: 0, maximum: 60_000 }),
  /**
   * Where to look for messages that came while no process held the gateway: per channel, the messages after
   * this id are fetched once READY and handled like new ones (answered turns are recognised and skipped).
   */
  catchUp: Type.Array(StrictObject({ channelId: DiscordSnowflake, afterMessageId: DiscordSnowflake }), {
    maxItems: 500,
  }),
  /** Voice connections (docs/discord-voice.md); absent from an older orchestrator: DAVE on. */
  voice: Type.Optional(DiscordVoiceOptions),
});
export type DiscordConfigMessage = Static<typeof DiscordConfigMessage>;

/** orchestrator → bot: more of the reply being written (shown by editing a message). */
export const DiscordTurnDeltaMessage = StrictObject({
  type: Type.Literal('turn.delta'),
  turnId: TurnId,
  text: Type.String(),
});
export type DiscordTurnDeltaMessage = Static<typeof DiscordTurnDeltaMessage>;

/** orchestrator → bot: the final answer (`skip`: delivered before, or nothing to say; send nothing). */
export const DiscordTurnReplyMessage = StrictObject({
  type: Type.Literal('turn.reply'),
  turnId: TurnId,
  text: Type.String(),
  skip: Type.Boolean(),
});
export type DiscordTurnReplyMessage = Static<typeof DiscordTurnReplyMessage>;

/** orchestrator → bot: an earlier process began this turn's reply in this message; edit it, send no new one. */
export const DiscordTurnAdoptMessage = StrictObject({
  type: Type.Literal('turn.adopt'),
  turnId: TurnId,
  messageId: DiscordSnowflake,
});
export type DiscordTurnAdoptMessage = Static<typeof DiscordTurnAdoptMessage>;

export const DiscordOrchestratorMessage = Type.Union([
  DiscordConfigMessage,
  DiscordTurnDeltaMessage,
  DiscordTurnReplyMessage,
  DiscordTurnAdoptMessage,
  OwnerPromptMessage,
  OwnerAnswerMessage,
  DiscordCommandReplyMessage,
  DiscordVoiceJoinMessage,
  DiscordVoiceLeaveMessage,
  DiscordChoicesMessage,
]);
export type DiscordOrchestratorMessage = Static<typeof DiscordOrchestratorMessage>;

/** bot → orchestrator: the gateway said READY. */
export const DiscordReadyMessage = StrictObject({
  type: Type.Literal('discord.ready'),
  username: Type.String(),
  discordId: DiscordSnowflake,
  guilds: Type.Integer({ minimum: 0 }),
  /** False: Discord refused the privileged Message Content intent; only mentions, replies and DMs are answered. */
  messageContent: Type.Boolean(),
});
export type DiscordReadyMessage = Static<typeof DiscordReadyMessage>;

/** bot → orchestrator: a user wrote something the bot answers. */
export const DiscordTurnStartMessage = StrictObject({
  type: Type.Literal('turn.start'),
  turnId: TurnId,
  /** Every message of the burst, oldest first (the first is the turn id). */
  messageIds: Type.Array(DiscordSnowflake, { minItems: 1, maxItems: 50 }),
  /** Where it was written: a channel, a DM, or a thread (a thread is its own session). */
  channelId: DiscordSnowflake,
  /** In a thread: the channel it belongs to (its model, persona and auto-reply apply unless the thread chose). */
  parentChannelId: Type.Optional(DiscordSnowflake),
  /** Null in DMs. */
  guildId: Type.Union([DiscordSnowflake, Type.Null()]),
  author: StrictObject({
    id: DiscordSnowflake,
    username: Type.String({ maxLength: 64 }),
    displayName: Type.Optional(Type.String({ maxLength: 256 })),
  }),
  /** The text with the bot's own mention removed; a burst's messages joined by newlines. */
  text: Type.String({ maxLength: 16_384 }),
  reason: Type.Union([Type.Literal('mention'), Type.Literal('reply'), Type.Literal('dm'), Type.Literal('channel')]),
});
export type DiscordTurnStartMessage = Static<typeof DiscordTurnStartMessage>;

/** bot → orchestrator: the reply reached Discord (message ids), so the same message is not answered again. */
export const DiscordTurnSentMessage = StrictObject({
  type: Type.Literal('turn.sent'),
  turnId: TurnId,
  messageIds: Type.Array(DiscordSnowflake),
});
export type DiscordTurnSentMessage = Static<typeof DiscordTurnSentMessage>;

/** bot → orchestrator: the reply being written is visible in this message (a later process edits it on). */
export const DiscordTurnShownMessage = StrictObject({
  type: Type.Literal('turn.shown'),
  turnId: TurnId,
  messageId: DiscordSnowflake,
});
export type DiscordTurnShownMessage = Static<typeof DiscordTurnShownMessage>;

export const DiscordBotMessage = Type.Union([
  DiscordReadyMessage,
  DiscordTurnStartMessage,
  DiscordTurnShownMessage,
  DiscordTurnSentMessage,
  OwnerPressMessage,
  DiscordGuildsMessage,
  DiscordCommandStartMessage,
  DiscordVoiceStateMessage,
  DiscordAutocompleteMessage,
]);
export type DiscordBotMessage = Static<typeof DiscordBotMessage>;
