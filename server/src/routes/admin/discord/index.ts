import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  CreateDiscordBotRequest,
  DiscordBotView,
  DiscordChannelView,
  DiscordTurnView,
  IdParams,
  StrictObject,
  UpdateDiscordBotRequest,
} from '@ai-secretary/protocol';
import type { DiscordChannel } from '../../../channels/discord/discord-channel.js';
import { toIso } from '../../../core/clock.js';
import { BOT_ROUTE_ERRORS, botStatusOf, registerBotProcessRoutes } from '../bot-processes.js';
import type { DiscordBotsService } from '../../../core/discord/bots-service.js';
import type { DiscordGuildSettingsService } from '../../../core/discord/guild-settings.js';
import type { DiscordBotRecord, DiscordTurnRecord, DiscordTurnStore } from '../../../core/discord/types.js';
import { registerDiscordGuildRoutes } from './guilds.js';
import { registerDiscordVoiceRoutes } from './voice.js';

const errors = BOT_ROUTE_ERRORS;
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

const NO_CONTENT_NOTICE =
  'Discord refused the Message Content intent: only mentions, replies and DMs are answered (enable the intent for the bot in the developer portal)';

export function toDiscordBotView(channel: DiscordChannel, bot: DiscordBotRecord): DiscordBotView {
  const child = channel.processes.child(bot.id);
  return {
    id: bot.id,
    name: bot.name,
    username: bot.username,
    discordId: bot.discordId,
    tokenHint: bot.tokenHint,
    ...bot.settings,
    autoStart: bot.autoStart,
    ...botStatusOf(child, channel.isReady(bot.id)),
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
    registerBotProcessRoutes(app, {
      platform: 'discord',
      viewSchema: DiscordBotView,
      bots,
      processes: channel.processes,
      view,
    });
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
        if (bot.desired === 'running') await channel.processes.run(bot.id);
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
        await channel.processes.remove(request.params.id);
        await bots.get(request.params.id);
        await deps.guilds.forgetBot(request.params.id);
        const bot = await bots.remove(request.params.id);
        return { ...view(bot), status: 'stopped' as const };
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
