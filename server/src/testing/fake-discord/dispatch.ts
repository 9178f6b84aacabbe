import type { APIMessage } from 'discord-api-types/v10';
import type { Gateway } from './gateway.js';
import type { GatewaySession } from './gateway-session.js';
import { has, INTENTS } from './intents.js';
import { withoutContent } from './messages.js';
import type { ChannelRecord, World } from './world.js';

export type MessageEvent = 'MESSAGE_CREATE' | 'MESSAGE_UPDATE';

/** Sessions that see events in `channel`: every bot in a guild channel (bots sit in every guild), the owner in a DM. */
function audience(world: World, gateway: Gateway, channel: ChannelRecord, bit: { guild: number; dm: number }) {
  const owner = world.dmOwner(channel);
  const sessions = channel.type === 1 ? gateway.sessionsOf(owner) : gateway.sessionsOf();
  const needed = channel.type === 1 ? bit.dm : bit.guild;
  return sessions.filter((session) => (channel.type !== 1 || owner !== undefined) && has(session.intents, needed));
}

const MESSAGE_BITS = { guild: INTENTS.guildMessages, dm: INTENTS.directMessages };
const TYPING_BITS = { guild: INTENTS.guildMessageTyping, dm: INTENTS.directMessageTyping };

/** Without MESSAGE_CONTENT a bot still sees content in DMs, its own messages and messages that mention it. */
function visibleTo(session: GatewaySession, message: APIMessage & { guild_id?: string }): APIMessage {
  if (has(session.intents, INTENTS.messageContent) || message.guild_id === undefined) return message;
  const botId = session.bot.user.id;
  if (message.author.id === botId || message.mentions.some((user) => user.id === botId)) return message;
  return withoutContent(message);
}

export function dispatchMessage(
  world: World,
  gateway: Gateway,
  event: MessageEvent,
  channel: ChannelRecord,
  message: APIMessage,
): void {
  for (const session of audience(world, gateway, channel, MESSAGE_BITS)) {
    session.dispatch(event, { ...visibleTo(session, message), channel_type: channel.type });
  }
}

export function dispatchDelete(world: World, gateway: Gateway, channel: ChannelRecord, messageId: string): void {
  const data = { id: messageId, channel_id: channel.id, ...(channel.guildId ? { guild_id: channel.guildId } : {}) };
  for (const session of audience(world, gateway, channel, MESSAGE_BITS)) session.dispatch('MESSAGE_DELETE', data);
}

export function dispatchTyping(world: World, gateway: Gateway, channel: ChannelRecord, userId: string): void {
  const data = {
    channel_id: channel.id,
    user_id: userId,
    timestamp: Math.floor(Date.now() / 1000),
    ...(channel.guildId ? { guild_id: channel.guildId } : {}),
  };
  for (const session of audience(world, gateway, channel, TYPING_BITS)) {
    if (session.bot.user.id !== userId) session.dispatch('TYPING_START', data);
  }
}
