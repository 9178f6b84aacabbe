import { createDiscordTokenCheck } from '../channels/discord/bot-api.js';
import { DiscordChannel } from '../channels/discord/discord-channel.js';
import { createDiscordBotsService, type DiscordBotsService } from '../core/discord/bots-service.js';
import { discordOwnerActor } from '../core/discord/owner.js';
import { httpLoopTools } from '../core/http-tools/loop-tools.js';
import { withMoreTools } from '../core/owner/turn-tools.js';
import { createDiscordTurnService } from '../core/discord/turn-service.js';
import { createDiscordCommands } from '../core/discord/commands-service.js';
import { createDiscordGuildSettings } from '../core/discord/guild-settings.js';
import { discordRoutes } from '../routes/admin/discord/index.js';
import type { Started } from './index.js';
import type { Module, ModuleDefinition } from './module.js';

export interface DiscordModule extends Module {
  bots: DiscordBotsService;
  channel: DiscordChannel;
}

/**
 * Discord bots (text): one supervised child process per bot (discord.js, kind `discord-bot`), their turns
 * answered through the LLM router, `/api/discord/*`. Comes after `processes` (the supervisor the bots run under).
 */
export const discordModule: ModuleDefinition<Started, 'discord'> = {
  name: 'discord',
  enabled: (config) => config.discord.enabled,
  async start({ config, logger, clock, get }) {
    const log = logger.child({ component: 'discord' });
    const { stores } = get('database');
    const { secrets } = get('accounts').services;
    const llm = get('llm').services;
    const { supervisor, kinds } = get('processes');
    const owner = get('owner');
    const httpTools = get('tools').service;
    const bots = createDiscordBotsService({
      store: stores.discord.bots,
      secrets,
      checkToken: createDiscordTokenCheck(config.discord.apiRoot),
      knowsRoute: (route) => llm.router.knowsRoute(route),
      clock,
    });
    const knowsRoute = (route: string) => llm.router.knowsRoute(route);
    const guilds = createDiscordGuildSettings({
      guilds: stores.discord.guilds,
      choices: stores.discord.choices,
      usage: llm.usage,
      knowsRoute,
      clock,
    });
    const turns = createDiscordTurnService({
      plan: (bot, guildId, channelId, parentId) => guilds.plan(bot, guildId, channelId, parentId),
      turns: stores.discord.turns,
      router: llm.router,
      clock,
      firstTokenTimeoutMs: config.discord.firstTokenTimeoutMs,
      replyTimeoutMs: config.discord.replyTimeoutMs,
      onError: (err, message) => log.warn({ err }, message),
      tools: (bot, turn) =>
        withMoreTools(
          owner.turnTools(discordOwnerActor(bot, turn)),
          httpLoopTools(httpTools, { channel: 'discord', route: bot.settings.persona }),
        ),
    });
    const commands = createDiscordCommands({
      guilds,
      interactions: stores.discord.interactions,
      clock,
      router: llm.router,
      memory: llm.memory,
      sessionKey: turns.sessionKey,
      knowsRoute,
      firstTokenTimeoutMs: config.discord.firstTokenTimeoutMs,
      onError: (err, message) => log.warn({ err }, message),
      voice: {
        join: (botId, guildId, channelId) => channel.joinVoice(botId, guildId, channelId),
        leave: (botId, guildId) => channel.leaveVoice(botId, guildId),
      },
    });
    const channel = new DiscordChannel({
      guilds,
      commands,
      owner: owner.commands,
      config: config.discord,
      bots,
      turns,
      supervisor,
      kinds,
      heartbeatIntervalMs: config.processes.heartbeatIntervalMs,
      logLevel: config.logLevel,
      logger: log,
    });
    await commands.prune();
    await channel.start();
    return {
      name: 'discord',
      bots,
      channel,
      routes: {
        api: [{ prefix: '/discord', plugin: discordRoutes({ bots, channel, turns: stores.discord.turns, guilds }) }],
      },
      close: async () => channel.close(),
    };
  },
};
