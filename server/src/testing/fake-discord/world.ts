import type { APIApplicationCommand, APIMessage, APIUser, UserFlags } from 'discord-api-types/v10';
import { SnowflakeSource } from './snowflake.js';
import type { AuthorSpec, BotSpec, GuildSpec } from './types.js';

export interface BotRecord {
  token: string;
  user: APIUser;
  applicationId: string;
  messageContentAllowed: boolean;
  revoked: boolean;
  /** Command lists by scope: 'global' or a guild id. */
  commands: Map<string, APIApplicationCommand[]>;
}

export interface ChannelRecord {
  id: string;
  /** 0 guild text, 1 DM, 2 voice, 4 category, 5 announcement, 11 public thread. */
  type: 0 | 1 | 2 | 4 | 5 | 11;
  /** Threads: the channel they were started in. */
  parentId?: string;
  /** Threads: who started it. */
  ownerId?: string;
  name?: string;
  topic?: string;
  guildId?: string;
  position: number;
  /** DM channels: the user on the other side (the bot is implied). */
  recipient?: APIUser;
  /** Oldest first; deleted messages are removed. */
  messages: APIMessage[];
}

export interface GuildRecord {
  id: string;
  name: string;
  ownerId: string;
  channelIds: string[];
  joinedAt: string;
}

/** Everything the fake knows: bots, users, guilds, channels and their messages. */
export class World {
  readonly ids = new SnowflakeSource();
  readonly bots = new Map<string, BotRecord>();
  readonly users = new Map<string, APIUser>();
  readonly guilds = new Map<string, GuildRecord>();
  readonly channels = new Map<string, ChannelRecord>();
  /** Users' (and bots') voice channels by user id. */
  readonly voiceStates = new Map<string, { guildId: string; channelId: string; sessionId: string }>();
  private readonly dmBots = new Map<string, BotRecord>();

  addBot(spec: BotSpec): BotRecord {
    const id = spec.id ?? this.ids.next();
    const user = { ...userObject({ id, username: spec.username, bot: true }), bot: true };
    const bot: BotRecord = {
      token: spec.token,
      user,
      applicationId: id,
      messageContentAllowed: spec.messageContentAllowed ?? true,
      revoked: false,
      commands: new Map(),
    };
    this.bots.set(spec.token, bot);
    this.users.set(id, user);
    return bot;
  }

  addGuild(spec: GuildSpec): GuildRecord {
    const guild: GuildRecord = {
      id: spec.id,
      name: spec.name,
      ownerId: spec.ownerId ?? this.ids.next(),
      channelIds: spec.channels.map((channel) => channel.id),
      joinedAt: new Date().toISOString(),
    };
    spec.channels.forEach((channel, position) =>
      this.channels.set(channel.id, { ...channel, type: channel.type ?? 0, guildId: spec.id, position, messages: [] }),
    );
    this.guilds.set(spec.id, guild);
    return guild;
  }

  /** A public thread in a guild text channel (not in the guild's channel list: GUILD_CREATE lists it in `threads`). */
  addThread(spec: { id?: string; name: string; parentId: string; ownerId: string }): ChannelRecord {
    const parent = this.channels.get(spec.parentId);
    if (!parent || parent.type !== 0 || !parent.guildId)
      throw new Error(`FakeDiscord: ${spec.parentId} is not a guild text channel`);
    const thread: ChannelRecord = {
      id: spec.id ?? this.ids.next(),
      type: 11,
      name: spec.name,
      guildId: parent.guildId,
      parentId: parent.id,
      ownerId: spec.ownerId,
      position: 0,
      messages: [],
    };
    this.channels.set(thread.id, thread);
    return thread;
  }

  threadsOf(guildId: string): ChannelRecord[] {
    return [...this.channels.values()].filter((channel) => channel.type === 11 && channel.guildId === guildId);
  }

  /** Remembers a user so mentions of them resolve; later specs update the name. */
  rememberUser(author: AuthorSpec): APIUser {
    const user = userObject(author);
    this.users.set(author.id, user);
    return user;
  }

  /** The DM channel between a bot and a user, created on first use (same id every time, as on Discord). */
  dmChannel(bot: BotRecord, user: APIUser): ChannelRecord {
    const existing = [...this.channels.values()].find(
      (channel) => channel.type === 1 && channel.recipient?.id === user.id && this.dmOwner(channel) === bot,
    );
    if (existing) return existing;
    const channel: ChannelRecord = { id: this.ids.next(), type: 1, recipient: user, position: 0, messages: [] };
    this.channels.set(channel.id, channel);
    this.dmBots.set(channel.id, bot);
    return channel;
  }

  /** The bot a DM channel belongs to; undefined for guild channels. */
  dmOwner(channel: ChannelRecord): BotRecord | undefined {
    return this.dmBots.get(channel.id);
  }

  findMessage(channel: ChannelRecord, messageId: string): APIMessage | undefined {
    return channel.messages.find((message) => message.id === messageId);
  }

  isBot(userId: string): boolean {
    return [...this.bots.values()].some((bot) => bot.user.id === userId);
  }
}

export function userObject(author: AuthorSpec): APIUser {
  return {
    id: author.id,
    username: author.username,
    discriminator: '0',
    global_name: author.globalName ?? null,
    avatar: null,
    ...(author.bot === true ? { bot: true } : {}),
    public_flags: 0 as UserFlags,
    flags: 0 as UserFlags,
  };
}
