import { randomBytes } from 'node:crypto';
import type { APIMessage, APIUser } from 'discord-api-types/v10';
import { dispatchMessage } from './dispatch.js';
import type { Gateway } from './gateway.js';
import { createMessage } from './messages.js';
import { channelObject, EVERYONE_PERMISSIONS, memberObject } from './payloads.js';
import type { RouteContext } from './rest-context.js';
import { DiscordApiError, unknownMessage } from './wire.js';
import type { BotRecord, ChannelRecord, World } from './world.js';

export interface InteractionRecord {
  id: string;
  token: string;
  bot: BotRecord;
  channel: ChannelRecord;
  user: APIUser;
  acknowledged: boolean;
  ephemeral: boolean;
  original?: APIMessage;
  followUps: APIMessage[];
}

export interface SlashCommandSpec {
  channelId: string;
  user: APIUser;
  name: string;
  /** Option values by name: strings become type 3, integers 4, other numbers 10, booleans 5. */
  options?: Record<string, string | number | boolean>;
  /** The invoking member's permissions (a bitfield string); default: @everyone's. */
  permissions?: string;
}

const EPHEMERAL = 1 << 6;
const LOADING = 1 << 7;

function optionType(value: string | number | boolean): number {
  if (typeof value === 'string') return 3;
  if (typeof value === 'boolean') return 5;
  return Number.isInteger(value) ? 4 : 10;
}

/** The INTERACTION_CREATE body of a chat-input command, in a guild channel (member) or a DM (user). */
export function commandInteraction(world: World, record: InteractionRecord, spec: SlashCommandSpec) {
  const { channel, bot } = record;
  const guildId = channel.guildId;
  const command = bot.commands.get(guildId ?? 'global')?.find((entry) => entry.name === spec.name);
  const options = Object.entries(spec.options ?? {}).map(([name, value]) => ({ name, type: optionType(value), value }));
  const permissions = spec.permissions ?? EVERYONE_PERMISSIONS;
  const joinedAt = guildId === undefined ? undefined : world.guilds.get(guildId)?.joinedAt;
  return {
    id: record.id,
    application_id: bot.applicationId,
    type: 2,
    token: record.token,
    version: 1,
    data: {
      id: command?.id ?? world.ids.next(),
      name: spec.name,
      type: 1,
      options,
      ...(guildId ? { guild_id: guildId } : {}),
    },
    channel_id: channel.id,
    channel: channelObject(channel),
    ...(guildId === undefined
      ? { user: spec.user, context: 1 }
      : {
          guild_id: guildId,
          guild: { id: guildId, locale: 'en-US', features: [] },
          guild_locale: 'en-US',
          context: 0,
        }),
    ...(joinedAt === undefined ? {} : { member: { ...memberObject(joinedAt), user: spec.user, permissions } }),
    app_permissions: EVERYONE_PERMISSIONS,
    locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: guildId === undefined ? { '1': spec.user.id } : { '0': guildId },
    attachment_size_limit: 8 * 1024 * 1024,
  };
}

export class Interactions {
  private readonly records = new Map<string, InteractionRecord>();

  constructor(
    private readonly world: World,
    private readonly gateway: Gateway,
  ) {}

  /** A user runs a slash command: INTERACTION_CREATE to the bot's sessions (no intent needed). */
  run(bot: BotRecord, channel: ChannelRecord, spec: SlashCommandSpec): InteractionRecord {
    const record: InteractionRecord = {
      id: this.world.ids.next(),
      token: `aW50ZXJhY3Rpb24${randomBytes(24).toString('base64url')}`,
      bot,
      channel,
      user: spec.user,
      acknowledged: false,
      ephemeral: false,
      followUps: [],
    };
    this.records.set(record.token, record);
    const payload = commandInteraction(this.world, record, spec);
    for (const session of this.gateway.sessionsOf(bot)) session.dispatch('INTERACTION_CREATE', payload);
    return record;
  }

  find(token: string | undefined): InteractionRecord {
    const record = token === undefined ? undefined : this.records.get(token);
    if (!record) throw new DiscordApiError(404, 10062, 'Unknown interaction');
    return record;
  }

  /** POST /interactions/:id/:token/callback: 4 answers now, 5 defers ("thinking…" until the original is edited). */
  callback(ctx: RouteContext): unknown {
    const record = this.find(ctx.params.interactionToken);
    if (record.id !== ctx.params.interactionId) throw new DiscordApiError(404, 10062, 'Unknown interaction');
    if (record.acknowledged) throw new DiscordApiError(400, 40060, 'Interaction has already been acknowledged.');
    const { type, data } = ctx.body as { type?: number; data?: { content?: string; flags?: number } };
    if (type !== 4 && type !== 5) throw new DiscordApiError(400, 50035, 'Invalid Form Body');
    record.acknowledged = true;
    record.ephemeral = ((data?.flags ?? 0) & EPHEMERAL) !== 0;
    const content = type === 4 ? (data?.content ?? '') : '';
    record.original = this.post(record, content, type === 5 ? LOADING : 0);
    if (ctx.query.with_response !== 'true') return undefined;
    return { interaction: { id: record.id, type: 2 }, resource: { type, message: record.original } };
  }

  /** PATCH /webhooks/:applicationId/:token/messages/:messageId ('@original' or a follow-up id). */
  edit(ctx: RouteContext): APIMessage {
    const record = this.find(ctx.params.interactionToken);
    const message = this.message(record, ctx.params.messageId!);
    if (typeof ctx.body.content === 'string') message.content = ctx.body.content;
    message.flags = (message.flags ?? 0) & ~LOADING;
    message.edited_timestamp = new Date().toISOString();
    if (!record.ephemeral) dispatchMessage(this.world, this.gateway, 'MESSAGE_UPDATE', record.channel, message);
    return message;
  }

  /** POST /webhooks/:applicationId/:token: a follow-up message. */
  followUp(ctx: RouteContext): APIMessage {
    const record = this.find(ctx.params.interactionToken);
    const message = this.post(record, typeof ctx.body.content === 'string' ? ctx.body.content : '', 0);
    record.followUps.push(message);
    return message;
  }

  fetch(ctx: RouteContext): APIMessage {
    return this.message(this.find(ctx.params.interactionToken), ctx.params.messageId!);
  }

  private message(record: InteractionRecord, messageId: string): APIMessage {
    const message = messageId === '@original' ? record.original : record.followUps.find((m) => m.id === messageId);
    if (!message) throw unknownMessage();
    return message;
  }

  private post(record: InteractionRecord, content: string, flags: number): APIMessage {
    const message = createMessage(this.world, { channel: record.channel, author: record.bot.user, content });
    message.flags = flags | (record.ephemeral ? EPHEMERAL : 0);
    message.webhook_id = record.bot.applicationId;
    if (record.ephemeral) record.channel.messages.splice(record.channel.messages.indexOf(message), 1);
    else dispatchMessage(this.world, this.gateway, 'MESSAGE_CREATE', record.channel, message);
    return message;
  }
}
