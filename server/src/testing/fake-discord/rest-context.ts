import type { Gateway } from './gateway.js';
import type { Interactions } from './interactions.js';
import type { BotRecord, ChannelRecord, World } from './world.js';
import { unknownChannel } from './wire.js';

/** What a REST handler gets: the authenticated bot, the decoded request, and the fake's state. */
export interface RouteContext {
  world: World;
  gateway: Gateway;
  interactions: Interactions;
  bot: BotRecord;
  params: Record<string, string>;
  query: Record<string, string>;
  body: Record<string, unknown>;
  json: unknown;
  gatewayUrl: string;
  /** The channel named by `:channelId`, if this bot may see it (guild channels, its own DMs); else 404 10003. */
  channel(): ChannelRecord;
}

export function channelFor(world: World, bot: BotRecord, channelId: string | undefined): ChannelRecord {
  const channel = channelId === undefined ? undefined : world.channels.get(channelId);
  if (!channel) throw unknownChannel();
  if (channel.type === 1 && world.dmOwner(channel) !== bot) throw unknownChannel();
  return channel;
}
