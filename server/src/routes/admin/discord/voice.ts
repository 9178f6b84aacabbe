import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  AdminErrorBody,
  DiscordVoiceJoinRequest,
  DiscordVoiceLeaveRequest,
  DiscordVoiceStateView,
  IdParams,
  StrictObject,
} from '@ai-secretary/protocol';
import type { DiscordChannel } from '../../../channels/discord/discord-channel.js';
import type { DiscordBotsService } from '../../../core/discord/bots-service.js';

const errors = {
  400: AdminErrorBody,
  401: AdminErrorBody,
  403: AdminErrorBody,
  404: AdminErrorBody,
  409: AdminErrorBody,
};
const tags = ['discord'];
const States = StrictObject({ items: Type.Array(DiscordVoiceStateView) });

export interface DiscordVoiceRoutesDeps {
  bots: DiscordBotsService;
  channel: DiscordChannel;
}

/**
 * `/api/discord/bots/:id/voice`: the bot's voice connections (as its process last reported them), and the admin
 * actions join / leave (audited; 409 DISCORD_BOT_NOT_RUNNING when its process is not connected). The answer is
 * the state at once (`joining`); poll the list for `ready` or `failed`.
 */
export function registerDiscordVoiceRoutes(app: FastifyInstance, deps: DiscordVoiceRoutesDeps): void {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  typed.get(
    '/bots/:id/voice',
    { config: { access: 'admin' }, schema: { tags, params: IdParams, response: { 200: States, ...errors } } },
    async (request) => {
      const bot = await deps.bots.get(request.params.id);
      return { items: deps.channel.voice.states(bot.id) };
    },
  );
  typed.post(
    '/bots/:id/voice/join',
    {
      config: { access: 'admin', audit: 'discord.voice.join' },
      schema: { tags, params: IdParams, body: DiscordVoiceJoinRequest, response: { 202: States, ...errors } },
    },
    async (request, reply) => {
      const bot = await deps.bots.get(request.params.id);
      deps.channel.joinVoice(bot.id, request.body.guildId, request.body.channelId);
      return reply.status(202).send({ items: deps.channel.voice.states(bot.id) });
    },
  );
  typed.post(
    '/bots/:id/voice/leave',
    {
      config: { access: 'admin', audit: 'discord.voice.leave' },
      schema: { tags, params: IdParams, body: DiscordVoiceLeaveRequest, response: { 202: States, ...errors } },
    },
    async (request, reply) => {
      const bot = await deps.bots.get(request.params.id);
      deps.channel.leaveVoice(bot.id, request.body.guildId);
      return reply.status(202).send({ items: deps.channel.voice.states(bot.id) });
    },
  );
}
