import type { APIChannel, APIGuildMember, APIUser, ChannelFlags, GuildMemberFlags } from 'discord-api-types/v10';
import { guildVoiceStates } from './voice-states.js';
import type { BotRecord, ChannelRecord, GuildRecord, World } from './world.js';

/** View, send, read history, embed, attach, add reactions, use application commands, connect, speak. */
export const EVERYONE_PERMISSIONS = (
  (1n << 10n) |
  (1n << 11n) |
  (1n << 16n) |
  (1n << 14n) |
  (1n << 15n) |
  (1n << 6n) |
  (1n << 31n) |
  (1n << 20n) |
  (1n << 21n)
).toString();

/** A public thread as THREAD_CREATE and GUILD_CREATE's `threads` carry it. */
function threadObject(channel: ChannelRecord): APIChannel {
  return {
    id: channel.id,
    type: 11,
    guild_id: channel.guildId!,
    parent_id: channel.parentId!,
    owner_id: channel.ownerId!,
    name: channel.name ?? '',
    last_message_id: channel.messages.at(-1)?.id ?? null,
    message_count: channel.messages.length,
    member_count: 1,
    rate_limit_per_user: 0,
    thread_metadata: {
      archived: false,
      auto_archive_duration: 1440,
      archive_timestamp: new Date().toISOString(),
      locked: false,
    },
    total_message_sent: channel.messages.length,
    flags: 0 as ChannelFlags,
  };
}

export function channelObject(channel: ChannelRecord): APIChannel {
  const lastMessageId = channel.messages.at(-1)?.id ?? null;
  if (channel.type === 11) return threadObject(channel);
  if (channel.type === 1) {
    return {
      id: channel.id,
      type: 1,
      name: null,
      last_message_id: lastMessageId,
      recipients: [channel.recipient!],
      flags: 0 as ChannelFlags,
    };
  }
  return {
    id: channel.id,
    type: channel.type,
    guild_id: channel.guildId!,
    name: channel.name ?? '',
    position: channel.position,
    permission_overwrites: [],
    parent_id: null,
    nsfw: false,
    topic: channel.topic ?? null,
    last_message_id: lastMessageId,
    rate_limit_per_user: 0,
    flags: 0 as ChannelFlags,
    ...(channel.type === 2 ? { bitrate: 64_000, user_limit: 0, rtc_region: null } : {}),
  };
}

/** A member without `user`, as MESSAGE_CREATE carries it for the author and for each mentioned user. */
export function memberObject(joinedAt: string): Omit<APIGuildMember, 'user'> {
  return {
    roles: [],
    joined_at: joinedAt,
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
    nick: null,
    avatar: null,
    banner: null,
  };
}

/** The GUILD_CREATE body discord.js caches a guild from: channels, the @everyone role and the bot as member. */
export function guildCreate(world: World, guild: GuildRecord, bot: BotRecord): Record<string, unknown> {
  const channels = guild.channelIds.map((id) => {
    const { guild_id: _guildId, ...channel } = channelObject(world.channels.get(id)!) as { guild_id?: string };
    return channel;
  });
  return {
    ...guildObject(guild),
    joined_at: guild.joinedAt,
    large: false,
    unavailable: false,
    member_count: 2,
    members: [{ ...memberObject(guild.joinedAt), user: bot.user }],
    channels,
    threads: world.threadsOf(guild.id).map(channelObject),
    presences: [],
    voice_states: guildVoiceStates(world, guild.id),
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

export function guildObject(guild: GuildRecord): Record<string, unknown> {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: [everyoneRole(guild.id)],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    preferred_locale: 'en-US',
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
  };
}

function everyoneRole(guildId: string): Record<string, unknown> {
  return {
    id: guildId,
    name: '@everyone',
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: 0,
    permissions: EVERYONE_PERMISSIONS,
    managed: false,
    mentionable: false,
    flags: 0,
  };
}

/** Application flag: the bot may receive message content (the privileged intent is switched on). */
const GATEWAY_MESSAGE_CONTENT = 1 << 18;

export function applicationObject(bot: BotRecord): Record<string, unknown> {
  return {
    id: bot.applicationId,
    name: bot.user.username,
    icon: null,
    description: '',
    bot_public: true,
    bot_require_code_grant: false,
    verify_key: '0'.repeat(64),
    flags: bot.messageContentAllowed ? GATEWAY_MESSAGE_CONTENT : 0,
    bot: bot.user,
  };
}

export function userWithMember(user: APIUser, joinedAt: string | undefined): APIUser & { member?: unknown } {
  return joinedAt === undefined ? user : { ...user, member: memberObject(joinedAt) };
}
