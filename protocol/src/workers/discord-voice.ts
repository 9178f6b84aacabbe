import { Type, type Static } from 'typebox';
import { StrictObject } from '../common.js';
import { DiscordSnowflake } from '../admin/discord.js';

/**
 * Voice channels on the bot link. The orchestrator decides (a `/join` from a user, an admin's action) and tells
 * the bot process, which holds the voice connection (@discordjs/voice) and reports every change of its state.
 */

/** In `discord.config`: how voice connections are made. */
export const DiscordVoiceOptions = StrictObject({
  /** DAVE end-to-end encryption; off only against a local fake voice server (Discord refuses it: 4017). */
  daveEncryption: Type.Boolean(),
  decryptionFailureTolerance: Type.Integer({ minimum: 1, maximum: 1000 }),
});
export type DiscordVoiceOptions = Static<typeof DiscordVoiceOptions>;

/** orchestrator → bot: join this voice channel (moving there if the bot is in another one of the server). */
export const DiscordVoiceJoinMessage = StrictObject({
  type: Type.Literal('voice.join'),
  guildId: DiscordSnowflake,
  channelId: DiscordSnowflake,
});
export type DiscordVoiceJoinMessage = Static<typeof DiscordVoiceJoinMessage>;

/** orchestrator → bot: leave the server's voice channel. */
export const DiscordVoiceLeaveMessage = StrictObject({
  type: Type.Literal('voice.leave'),
  guildId: DiscordSnowflake,
});
export type DiscordVoiceLeaveMessage = Static<typeof DiscordVoiceLeaveMessage>;

export const DiscordVoiceStatus = Type.Union([
  Type.Literal('joining'),
  Type.Literal('ready'),
  Type.Literal('reconnecting'),
  Type.Literal('left'),
  Type.Literal('failed'),
]);
export type DiscordVoiceStatus = Static<typeof DiscordVoiceStatus>;

/** bot → orchestrator: a voice connection changed state (`failed` carries why; it is not retried). */
export const DiscordVoiceStateMessage = StrictObject({
  type: Type.Literal('voice.state'),
  guildId: DiscordSnowflake,
  channelId: Type.Union([DiscordSnowflake, Type.Null()]),
  status: DiscordVoiceStatus,
  /** Machine-readable cause of `failed` / `reconnecting`: 'dave-required', 'rejoin-exhausted', 'ws-closed' … */
  reason: Type.Optional(Type.String({ maxLength: 64 })),
  closeCode: Type.Optional(Type.Integer()),
  rejoins: Type.Integer({ minimum: 0 }),
  decryptionFailures: Type.Integer({ minimum: 0 }),
});
export type DiscordVoiceStateMessage = Static<typeof DiscordVoiceStateMessage>;
