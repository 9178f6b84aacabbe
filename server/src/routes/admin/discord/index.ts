import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  AdminErrorBody,
  CreateDiscordBotRequest,
  DiscordBotView,
  DiscordChannelView,
  DiscordTurnView,
  IdParams,
  ProcessLogs,
  StrictObject,
  UpdateDiscordBotRequest,
  type DiscordBotStatus,
} from '@ai-secretary/protocol';
import type { DiscordChannel } from '../../../channels/discord/discord-channel.js';
import { toIso } from '../../../core/clock.js';
import type { DiscordBotsService } from '../../../core/discord/bots-service.js';
import type { DiscordGuildSettingsService } from '../../../core/discord/guild-settings.js';
import type { DiscordBotRecord, DiscordTurnRecord, DiscordTurnStore } from '../../../core/discord/types.js';
import { registerDiscordGuildRoutes } from './guilds.js';
import { registerDiscordVoiceRoutes } from './voice.js';

const errors = {
  400: AdminErrorBody,
  401: AdminErrorBody,
  403: AdminErrorBody,
  404: AdminErrorBody,
  409: AdminErrorBody,
  502: AdminErrorBody,
};
const tags = ['discord'];

export interface DiscordRoutesDeps {
  bots: DiscordBotsService;
  channel: DiscordChannel;
  turns: DiscordTurnStore;
  guilds: DiscordGuildSettingsService;
}

const ChannelParams = StrictObject({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  channelId: Type.String({ pattern: '^[0-9]{15,21}$' }),
});

function toTurnView(turn: DiscordTurnRecord): DiscordTurnView {
  const { botId: _botId, replyMessageId: _shownIn, updatedAt: _updatedAt, createdAt, toolCalls, ...rest } = turn;
  return { ...rest, toolCalls: toolCalls ?? [], createdAt: toIso(createdAt) };
}

/** A bot's status as admins see it, from its process's state and whether the gateway said READY. */
function statusOf(
  channel: DiscordChannel,
  bot: DiscordBotRecord,
): { status: DiscordBotStatus; lastError: string | null } {
  const child = channel.child(bot.id);
  if (!child) return { status: 'stopped', lastError: null };
  switch (child.status) {
    case 'ready':
      return { status: channel.isReady(bot.id) ? 'running' : 'starting', lastError: null };
    case 'starting':
      return { status: 'starting', lastError: null };
    case 'backoff':
      return { status: 'crashed', lastError: child.lastExit?.reason ?? null };
    case 'stopping':
      return { status: 'stopping', lastError: null };
    case 'failed':
      return { status: 'failed', lastError: child.failureReason };
    case 'stopped':
      return { status: 'stopped', lastError: null };
  }
}

const NO_CONTENT_NOTICE =
  'Discord refused the Message Content intent: only mentions, replies and DMs are answered (enable the intent for the bot in the developer portal)';

export function toDiscordBotView(channel: DiscordChannel, bot: DiscordBotRecord): DiscordBotView {
  const child = channel.child(bot.id);
  return {
    id: bot.id,
    name: bot.name,
    username: bot.username,
    discordId: bot.discordId,
    tokenHint: bot.tokenHint,
    ...bot.settings,
    autoStart: bot.autoStart,
    ...statusOf(channel, bot),
    messageContent: channel.messageContent(bot.id),
    notice: channel.messageContent(bot.id) === false ? NO_CONTENT_NOTICE : null,
    pid: child?.pid ?? null,
    rssBytes: child?.rssBytes ?? null,
    restarts: child?.restarts ?? 0,
    createdAt: toIso(bot.createdAt),
    updatedAt: toIso(bot.updatedAt),
  };
}

/** `/api/discord/bots` (admins): the bots and their processes. */
export function discordRoutes(deps: DiscordRoutesDeps): FastifyPluginAsyncTypebox {
  const { bots, channel } = deps;
  const view = (bot: DiscordBotRecord) => toDiscordBotView(channel, bot);
  return async (app) => {
    registerDiscordGuildRoutes(app, { bots, channel, guilds: deps.guilds });
    registerDiscordVoiceRoutes(app, { bots, channel });
    app.get(
      '/bots',
      {
        config: { access: 'admin' },
        schema: { tags, response: { 200: StrictObject({ items: Type.Array(DiscordBotView) }), ...errors } },
      },
      async () => ({ items: (await bots.list()).map(view) }),
    );

    app.post(
      '/bots',
      {
        config: { access: 'admin', audit: 'discord.bots.create' },
        schema: { tags, body: CreateDiscordBotRequest, response: { 201: DiscordBotView, ...errors } },
      },
      async (request, reply) => {
        const bot = await bots.create(request.body);
        if (bot.desired === 'running') await channel.run(bot.id);
        return reply.status(201).send(view(bot));
      },
    );

    app.get(
      '/bots/:id',
      { config: { access: 'admin' }, schema: { tags, params: IdParams, response: { 200: DiscordBotView, ...errors } } },
      async (request) => view(await bots.get(request.params.id)),
    );

    app.patch(
      '/bots/:id',
      {
        config: { access: 'admin', audit: 'discord.bots.update' },
        schema: { tags, params: IdParams, body: UpdateDiscordBotRequest, response: { 200: DiscordBotView, ...errors } },
      },
      async (request) => {
        const bot = await bots.update(request.params.id, request.body);
        await channel.reconfigure(bot, request.body.token !== undefined);
        return view(bot);
      },
    );

    app.delete(
      '/bots/:id',
      {
        config: { access: 'admin', audit: 'discord.bots.delete' },
        schema: { tags, params: IdParams, response: { 200: DiscordBotView, ...errors } },
      },
      async (request) => {
        await channel.remove(request.params.id);
        await bots.get(request.params.id);
        await deps.guilds.forgetBot(request.params.id);
        const bot = await bots.remove(request.params.id);
        return { ...view(bot), status: 'stopped' as const };
      },
    );

    for (const action of ['start', 'stop', 'restart'] as const) {
      app.post(
        `/bots/:id/${action}`,
        {
          config: { access: 'admin', audit: `discord.bots.${action}` },
          schema: { tags, params: IdParams, response: { 200: DiscordBotView, ...errors } },
        },
        async (request) => {
          const { id } = request.params;
          await bots.get(id);
          if (action === 'start') await channel.run(id);
          else if (action === 'stop') await channel.halt(id);
          else await channel.restart(id);
          return view(await bots.get(id));
        },
      );
    }

    app.get(
      '/bots/:id/logs',
      { config: { access: 'admin' }, schema: { tags, params: IdParams, response: { 200: ProcessLogs, ...errors } } },
      async (request) => {
        await bots.get(request.params.id);
        const child = channel.child(request.params.id);
        return { id: child?.id ?? request.params.id, lines: child?.logs() ?? [] };
      },
    );

    app.get(
      '/bots/:id/channels',
      {
        config: { access: 'admin' },
        schema: {
          tags,
          params: IdParams,
          response: { 200: StrictObject({ items: Type.Array(DiscordChannelView) }), ...errors },
        },
      },
      async (request) => {
        await bots.get(request.params.id);
        const channels = await deps.turns.channels(request.params.id, 200);
        return { items: channels.map((c) => ({ ...c, lastAt: toIso(c.lastAt) })) };
      },
    );

    app.get(
      '/bots/:id/channels/:channelId',
      {
        config: { access: 'admin' },
        schema: {
          tags,
          params: ChannelParams,
          response: { 200: StrictObject({ items: Type.Array(DiscordTurnView) }), ...errors },
        },
      },
      async (request) => {
        const { id, channelId } = request.params;
        await bots.get(id);
        return { items: (await deps.turns.turns(id, channelId, 500)).map(toTurnView) };
      },
    );
  };
}
