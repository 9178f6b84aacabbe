import { Type, type Static } from 'typebox';
import { StrictObject } from '../common.js';
import { DiscordSnowflake } from '../admin/discord.js';

/**
 * Slash commands and servers on the Discord bot link. The bot process registers the commands per server,
 * defers each interaction and passes it on (`command.start`); the orchestrator decides and answers once
 * (`command.reply`). The bot process also reports the servers it is in (`discord.guilds`).
 */

/** One text channel of a server. */
export const DiscordGuildChannel = StrictObject({
  id: DiscordSnowflake,
  name: Type.String({ maxLength: 100 }),
});
export type DiscordGuildChannel = Static<typeof DiscordGuildChannel>;

export const DiscordGuildInfo = StrictObject({
  id: DiscordSnowflake,
  name: Type.String({ maxLength: 100 }),
  channels: Type.Array(DiscordGuildChannel, { maxItems: 500 }),
});
export type DiscordGuildInfo = Static<typeof DiscordGuildInfo>;

/** bot → orchestrator: every server the bot is in now (on READY, on joining and on leaving one). */
export const DiscordGuildsMessage = StrictObject({
  type: Type.Literal('discord.guilds'),
  guilds: Type.Array(DiscordGuildInfo, { maxItems: 1000 }),
});
export type DiscordGuildsMessage = Static<typeof DiscordGuildsMessage>;

/** A channel message given to `/summarize`, oldest first. */
export const DiscordHistoryEntry = StrictObject({
  author: Type.String({ maxLength: 256 }),
  bot: Type.Boolean(),
  text: Type.String({ maxLength: 4000 }),
});
export type DiscordHistoryEntry = Static<typeof DiscordHistoryEntry>;

/** bot → orchestrator: a user ran a slash command (already deferred). Answered once by `command.reply`. */
export const DiscordCommandStartMessage = StrictObject({
  type: Type.Literal('command.start'),
  interactionId: DiscordSnowflake,
  name: Type.String({ minLength: 1, maxLength: 32 }),
  options: Type.Record(
    Type.String({ maxLength: 32 }),
    Type.Union([Type.String({ maxLength: 6000 }), Type.Number(), Type.Boolean()]),
  ),
  channelId: DiscordSnowflake,
  /** In a thread: the channel it belongs to. */
  parentChannelId: Type.Optional(DiscordSnowflake),
  /** Null in DMs. */
  guildId: Type.Union([DiscordSnowflake, Type.Null()]),
  user: StrictObject({
    id: DiscordSnowflake,
    username: Type.String({ maxLength: 64 }),
    displayName: Type.Optional(Type.String({ maxLength: 256 })),
  }),
  /** The member's permissions in the channel (a bitfield as a decimal string); null in DMs. */
  permissions: Type.Union([Type.String({ pattern: '^[0-9]{1,30}$' }), Type.Null()]),
  /** `/summarize` only: the channel's recent messages, oldest first. */
  history: Type.Optional(Type.Array(DiscordHistoryEntry, { maxItems: 100 })),
  /** `/join` only: the voice channel the user is in (absent: in none). */
  voiceChannelId: Type.Optional(DiscordSnowflake),
});
export type DiscordCommandStartMessage = Static<typeof DiscordCommandStartMessage>;

/** orchestrator → bot: the answer to one interaction (shown by editing the deferred reply). */
export const DiscordCommandReplyMessage = StrictObject({
  type: Type.Literal('command.reply'),
  interactionId: DiscordSnowflake,
  text: Type.String({ maxLength: 2000 }),
  ephemeral: Type.Boolean(),
});
export type DiscordCommandReplyMessage = Static<typeof DiscordCommandReplyMessage>;

/** bot → orchestrator: a user is typing an autocompleted option (`/model route`); answered by `command.choices`. */
export const DiscordAutocompleteMessage = StrictObject({
  type: Type.Literal('command.autocomplete'),
  interactionId: DiscordSnowflake,
  name: Type.String({ minLength: 1, maxLength: 32 }),
  /** The focused option and what the user has typed so far. */
  option: Type.String({ minLength: 1, maxLength: 32 }),
  value: Type.String({ maxLength: 100 }),
  channelId: DiscordSnowflake,
  guildId: Type.Union([DiscordSnowflake, Type.Null()]),
});
export type DiscordAutocompleteMessage = Static<typeof DiscordAutocompleteMessage>;

/** One suggestion of an autocompleted option (Discord: at most 25, names and values up to 100 characters). */
export const DiscordChoice = StrictObject({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  value: Type.String({ minLength: 1, maxLength: 100 }),
});
export type DiscordChoice = Static<typeof DiscordChoice>;

/** orchestrator → bot: the suggestions for one autocomplete interaction. */
export const DiscordChoicesMessage = StrictObject({
  type: Type.Literal('command.choices'),
  interactionId: DiscordSnowflake,
  choices: Type.Array(DiscordChoice, { maxItems: 25 }),
});
export type DiscordChoicesMessage = Static<typeof DiscordChoicesMessage>;

/** Commands whose answer only the user who ran them sees (deferred ephemerally). */
export const DISCORD_EPHEMERAL_COMMANDS: readonly string[] = [
  'model',
  'persona',
  'reset',
  'usage',
  'join',
  'leave',
  'help',
];
