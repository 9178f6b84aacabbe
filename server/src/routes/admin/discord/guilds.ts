import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  AdminErrorBody,
  DiscordGuildView,
  IdParams,
  StrictObject,
  UpdateDiscordChannelRequest,
  UpdateDiscordGuildRequest,
  type DiscordChannelChoiceView,
} from '@ai-secretary/protocol';
import type { DiscordChannel } from '../../../channels/discord/discord-channel.js';
import { toIso } from '../../../core/clock.js';
import type { DiscordBotsService } from '../../../core/discord/bots-service.js';
import type { DiscordGuildSettingsService } from '../../../core/discord/guild-settings.js';
import type { DiscordChannelChoiceRecord, DiscordGuildRecord } from '../../../core/discord/guild-types.js';

const errors = { 400: AdminErrorBody, 401: AdminErrorBody, 403: AdminErrorBody, 404: AdminErrorBody };
const tags = ['discord'];

const GuildParams = StrictObject({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  guildId: Type.String({ minLength: 1, maxLength: 32 }),
});
const GuildChannelParams = StrictObject({
  ...GuildParams.properties,
  channelId: Type.String({ pattern: '^[0-9]{15,21}$' }),
});

const choiceView = (choice: DiscordChannelChoiceRecord): DiscordChannelChoiceView => ({
  channelId: choice.channelId,
  route: choice.route,
  persona: choice.persona,
  whileAnswering: choice.whileAnswering,
});

export interface DiscordGuildRoutesDeps {
  bots: DiscordBotsService;
  channel: DiscordChannel;
  guilds: DiscordGuildSettingsService;
}

/** `/api/discord/bots/:id/guilds`: the servers a bot is in, their settings and today's usage. */
export function registerDiscordGuildRoutes(app: FastifyInstance, deps: DiscordGuildRoutesDeps): void {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  async function view(guild: DiscordGuildRecord): Promise<DiscordGuildView> {
    const today = await deps.guilds.today(guild.botId, guild.guildId);
    const choices = await deps.guilds.choices(guild.botId);
    const inGuild = choices.filter((c) => guild.textChannels.some((channel) => channel.id === c.channelId));
    return {
      guildId: guild.guildId,
      name: guild.name,
      present: guild.present,
      textChannels: guild.textChannels,
      ...guild.settings,
      channelChoices: inGuild.map(choiceView),
      today: { requests: today.requests, tokens: today.promptTokens + today.completionTokens, costUsd: today.costUsd },
      updatedAt: toIso(guild.updatedAt),
    };
  }

  typed.get(
    '/bots/:id/guilds',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        params: IdParams,
        response: { 200: StrictObject({ items: Type.Array(DiscordGuildView) }), ...errors },
      },
    },
    async (request) => {
      await deps.bots.get(request.params.id);
      const guilds = await deps.guilds.list(request.params.id);
      return { items: await Promise.all(guilds.map(view)) };
    },
  );

  typed.patch(
    '/bots/:id/guilds/:guildId',
    {
      config: { access: 'admin', audit: 'discord.guilds.update' },
      schema: {
        tags,
        params: GuildParams,
        body: UpdateDiscordGuildRequest,
        response: { 200: DiscordGuildView, ...errors },
      },
    },
    async (request) => {
      const bot = await deps.bots.get(request.params.id);
      const guild = await deps.guilds.update(bot.id, request.params.guildId, request.body);
      await deps.channel.reconfigure(bot, false); // auto-reply channels may have changed
      return view(guild);
    },
  );

  typed.patch(
    '/bots/:id/guilds/:guildId/channels/:channelId',
    {
      config: { access: 'admin', audit: 'discord.channels.update' },
      schema: {
        tags,
        params: GuildChannelParams,
        body: UpdateDiscordChannelRequest,
        response: { 200: DiscordGuildView, ...errors },
      },
    },
    async (request) => {
      const { id, guildId, channelId } = request.params;
      const bot = await deps.bots.get(id);
      await deps.guilds.chooseForChannel(bot.id, guildId, channelId, request.body);
      return view(await deps.guilds.get(bot.id, guildId));
    },
  );
}
