import { randomBytes } from 'node:crypto';
import type { APIUser } from 'discord-api-types/v10';
import type { GatewaySession } from './gateway-session.js';
import { has, INTENTS } from './intents.js';
import { memberObject } from './payloads.js';
import type { VoiceServerHook } from './types.js';
import type { World } from './world.js';

/** A VOICE_STATE_UPDATE body (and a GUILD_CREATE voice_states entry, which omits guild_id and member). */
export function voiceStateObject(world: World, user: APIUser, guildId: string): Record<string, unknown> {
  const state = world.voiceStates.get(user.id);
  const joinedAt = world.guilds.get(guildId)?.joinedAt ?? new Date(0).toISOString();
  return {
    guild_id: guildId,
    channel_id: state?.guildId === guildId ? state.channelId : null,
    user_id: user.id,
    member: { ...memberObject(joinedAt), user },
    session_id: state?.sessionId ?? randomBytes(16).toString('hex'),
    deaf: false,
    mute: false,
    self_deaf: false,
    self_mute: false,
    self_video: false,
    suppress: false,
    request_to_speak_timestamp: null,
  };
}

export function guildVoiceStates(world: World, guildId: string): Record<string, unknown>[] {
  return [...world.voiceStates.entries()]
    .filter(([, state]) => state.guildId === guildId)
    .map(([userId]) => {
      const {
        guild_id: _guildId,
        member: _member,
        ...state
      } = voiceStateObject(world, world.users.get(userId)!, guildId);
      return state;
    });
}

interface VoiceStateRequest {
  guild_id?: unknown;
  channel_id?: unknown;
}

/**
 * op 4 from a bot: its VOICE_STATE_UPDATE, then (joining) VOICE_SERVER_UPDATE with a fresh token and the voice
 * server's endpoint, as Discord sends them; the voice server is told whom to accept. Without a voice server the
 * state changes and no server update comes (the client's join then times out, as against a broken region).
 */
export function requestVoiceState(
  world: World,
  session: GatewaySession,
  data: unknown,
  voice: VoiceServerHook | undefined,
): void {
  const { guild_id: guildId, channel_id: channelId } = (data ?? {}) as VoiceStateRequest;
  if (typeof guildId !== 'string' || !world.guilds.has(guildId)) return;
  const bot = session.bot.user;
  const joining = typeof channelId === 'string' && world.channels.get(channelId)?.type === 2;
  if (joining) world.voiceStates.set(bot.id, { guildId, channelId, sessionId: session.id });
  else {
    world.voiceStates.delete(bot.id);
    voice?.revoke(guildId, bot.id);
  }
  session.dispatch('VOICE_STATE_UPDATE', { ...voiceStateObject(world, bot, guildId), session_id: session.id });
  if (!joining || !voice) return;
  const token = randomBytes(8).toString('hex');
  voice.grant({ guildId, channelId, userId: bot.id, sessionId: session.id, token });
  session.dispatch('VOICE_SERVER_UPDATE', { token, guild_id: guildId, endpoint: voice.endpoint });
}

/** A user's voice state changed: VOICE_STATE_UPDATE to bots with GUILD_VOICE_STATES. */
export function dispatchUserVoiceState(world: World, sessions: GatewaySession[], user: APIUser, guildId: string): void {
  const data = voiceStateObject(world, user, guildId);
  for (const session of sessions)
    if (has(session.intents, INTENTS.guildVoiceStates)) session.dispatch('VOICE_STATE_UPDATE', data);
}
