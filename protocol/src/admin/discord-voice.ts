import { Type, type Static } from 'typebox';
import { StrictObject } from '../common.js';
import { DiscordSnowflake } from './discord.js';
import { DiscordVoiceStatus } from '../workers/discord-voice.js';

/** `POST /api/discord/bots/:id/voice/join`. */
export const DiscordVoiceJoinRequest = StrictObject({ guildId: DiscordSnowflake, channelId: DiscordSnowflake });
export type DiscordVoiceJoinRequest = Static<typeof DiscordVoiceJoinRequest>;

/** `POST /api/discord/bots/:id/voice/leave`. */
export const DiscordVoiceLeaveRequest = StrictObject({ guildId: DiscordSnowflake });
export type DiscordVoiceLeaveRequest = Static<typeof DiscordVoiceLeaveRequest>;

/** One server's voice connection as the bot last reported it (`GET /api/discord/bots/:id/voice`). */
export const DiscordVoiceStateView = StrictObject({
  guildId: DiscordSnowflake,
  channelId: Type.Union([DiscordSnowflake, Type.Null()]),
  status: DiscordVoiceStatus,
  reason: Type.Union([Type.String(), Type.Null()]),
  closeCode: Type.Union([Type.Integer(), Type.Null()]),
  /** Rejoin attempts since the connection was last ready. */
  rejoins: Type.Integer({ minimum: 0 }),
  decryptionFailures: Type.Integer({ minimum: 0 }),
  updatedAt: Type.String(),
});
export type DiscordVoiceStateView = Static<typeof DiscordVoiceStateView>;
