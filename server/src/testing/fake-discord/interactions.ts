import { randomBytes } from 'node:crypto';
import type { APIMessage, APIUser } from 'discord-api-types/v10';
import { buttonOn, componentInteraction, validComponents, type ButtonClickSpec } from './components.js';
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
  /**
   * `command`: a slash command; `component`: a button press on `original` (the message the button is on);
   * `autocomplete`: a user typing an option with `autocomplete: true` (answered with callback 8 and `choices`).
   */
  kind: 'command' | 'component' | 'autocomplete';
  /** Autocomplete: the suggestions the bot answered with. */
  choices?: Array<{ name: string; value: string | number }>;
  acknowledged: boolean;
  /** The callback type the bot answered with (4 reply, 5 defer, 6 deferUpdate, 7 update, 8 choices). */
  response?: number;
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

/** Which callback types each kind of interaction accepts. */
const ALLOWED_CALLBACKS: Record<InteractionRecord['kind'], number[]> = {
  command: [4, 5],
  component: [4, 5, 6, 7],
  autocomplete: [8],
};
const fits = (value: unknown) => typeof value === 'string' && value.length >= 1 && value.length <= 100;

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
    const record = this.record(bot, channel, spec.user, 'command');
    this.dispatch(record, commandInteraction(this.world, record, spec));
    return record;
  }

  /**
   * A user types in an autocompleted option: INTERACTION_CREATE of type 4 (APPLICATION_COMMAND_AUTOCOMPLETE) with
   * that option `focused`; the bot answers with callback type 8 and up to 25 choices.
   */
  autocomplete(
    bot: BotRecord,
    channel: ChannelRecord,
    spec: SlashCommandSpec & { focused: string },
  ): InteractionRecord {
    const record = this.record(bot, channel, spec.user, 'autocomplete');
    const payload = commandInteraction(this.world, record, spec);
    const options = payload.data.options.map((o) => (o.name === spec.focused ? { ...o, type: 3, focused: true } : o));
    this.dispatch(record, { ...payload, type: 4, data: { ...payload.data, options } });
    return record;
  }

  /** A user presses a button on one of the bot's messages: INTERACTION_CREATE of type 3 (MESSAGE_COMPONENT). */
  click(bot: BotRecord, channel: ChannelRecord, spec: ButtonClickSpec): InteractionRecord {
    const message = this.world.findMessage(channel, spec.messageId);
    if (!message) throw new Error(`FakeDiscord: no message ${spec.messageId} in channel ${channel.id}`);
    if (message.author.id !== bot.user.id) throw new Error('FakeDiscord: the message is not the bot’s');
    if (!buttonOn(message, spec.customId)) throw new Error(`FakeDiscord: no button "${spec.customId}" on the message`);
    const record = this.record(bot, channel, spec.user, 'component');
    record.original = message;
    this.dispatch(record, componentInteraction(this.world, record, message, spec));
    return record;
  }

  private record(bot: BotRecord, channel: ChannelRecord, user: APIUser, kind: InteractionRecord['kind']) {
    const record: InteractionRecord = {
      id: this.world.ids.next(),
      token: `aW50ZXJhY3Rpb24${randomBytes(24).toString('base64url')}`,
      ...{ bot, channel, user, kind },
      acknowledged: false,
      ephemeral: false,
      followUps: [],
    };
    this.records.set(record.token, record);
    return record;
  }

  private dispatch(record: InteractionRecord, payload: unknown): void {
    for (const session of this.gateway.sessionsOf(record.bot)) session.dispatch('INTERACTION_CREATE', payload);
  }

  find(token: string | undefined): InteractionRecord {
    const record = token === undefined ? undefined : this.records.get(token);
    if (!record) throw new DiscordApiError(404, 10062, 'Unknown interaction');
    return record;
  }

  /**
   * POST /interactions/:id/:token/callback: 4 answers now, 5 defers ("thinking…" until the original is edited);
   * for a button press also 6 (deferUpdate: the message stays, edit it later) and 7 (update: edit it now).
   */
  callback(ctx: RouteContext): unknown {
    const record = this.find(ctx.params.interactionToken);
    if (record.id !== ctx.params.interactionId) throw new DiscordApiError(404, 10062, 'Unknown interaction');
    if (record.acknowledged) throw new DiscordApiError(400, 40060, 'Interaction has already been acknowledged.');
    const { type, data } = ctx.body as { type?: number; data?: Record<string, unknown> };
    const allowed = ALLOWED_CALLBACKS[record.kind];
    if (type === undefined || !allowed.includes(type)) throw new DiscordApiError(400, 50035, 'Invalid Form Body');
    if (type === 8) return this.suggest(record, data);
    record.acknowledged = true;
    record.response = type;
    if (type === 7) this.update(record, record.original!, data ?? {});
    else if (type !== 6) this.respond(record, type, data ?? {});
    if (ctx.query.with_response !== 'true') return undefined;
    return {
      interaction: { id: record.id, type: record.kind === 'component' ? 3 : 2 },
      resource: { type, message: record.original },
    };
  }

  /** Callback 8: at most 25 choices, each a name and value of 1–100 characters (Discord's limits). */
  private suggest(record: InteractionRecord, data: Record<string, unknown> | undefined): undefined {
    const choices = data?.choices;
    const valid =
      Array.isArray(choices) &&
      choices.length <= 25 &&
      choices.every(
        (c: { name?: unknown; value?: unknown }) => fits(c.name) && (fits(c.value) || typeof c.value === 'number'),
      );
    if (!valid) throw new DiscordApiError(400, 50035, 'Invalid Form Body');
    record.acknowledged = true;
    record.response = 8;
    record.choices = choices as InteractionRecord['choices'];
    return undefined;
  }

  private respond(record: InteractionRecord, type: number, data: Record<string, unknown>): void {
    record.ephemeral = (Number(data.flags ?? 0) & EPHEMERAL) !== 0;
    const content = type === 4 && typeof data.content === 'string' ? data.content : '';
    record.original = this.post(record, content, type === 5 ? LOADING : 0, record.ephemeral);
  }

  /** Applies an edit (content, components) to a message and tells the channel (unless ephemeral). */
  private update(record: InteractionRecord, message: APIMessage, body: Record<string, unknown>): APIMessage {
    if (typeof body.content === 'string') message.content = body.content;
    const components = validComponents(body.components);
    if (components !== undefined) message.components = components;
    message.flags = (message.flags ?? 0) & ~LOADING;
    message.edited_timestamp = new Date().toISOString();
    if (((message.flags ?? 0) & EPHEMERAL) === 0)
      dispatchMessage(this.world, this.gateway, 'MESSAGE_UPDATE', record.channel, message);
    return message;
  }

  /** PATCH /webhooks/:applicationId/:token/messages/:messageId ('@original' or a follow-up id). */
  edit(ctx: RouteContext): APIMessage {
    const record = this.find(ctx.params.interactionToken);
    return this.update(record, this.message(record, ctx.params.messageId!), ctx.body);
  }

  /** POST /webhooks/:applicationId/:token: a follow-up message (ephemeral with flag 64, or after an ephemeral reply). */
  followUp(ctx: RouteContext): APIMessage {
    const record = this.find(ctx.params.interactionToken);
    const ephemeral =
      (Number(ctx.body.flags ?? 0) & EPHEMERAL) !== 0 || (record.kind === 'command' && record.ephemeral);
    const content = typeof ctx.body.content === 'string' ? ctx.body.content : '';
    const message = this.post(record, content, 0, ephemeral);
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

  private post(record: InteractionRecord, content: string, flags: number, ephemeral: boolean): APIMessage {
    const message = createMessage(this.world, { channel: record.channel, author: record.bot.user, content });
    message.flags = flags | (ephemeral ? EPHEMERAL : 0);
    message.webhook_id = record.bot.applicationId;
    if (ephemeral) record.channel.messages.splice(record.channel.messages.indexOf(message), 1);
    else dispatchMessage(this.world, this.gateway, 'MESSAGE_CREATE', record.channel, message);
    return message;
  }
}
