import path from 'node:path';
import { createTokenCheck } from '../channels/telegram/bot-api.js';
import { createTelegramSpeech } from '../channels/telegram/speech.js';
import { TelegramChannel, type TelegramLead } from '../channels/telegram/telegram-channel.js';
import { telegramWebhookRoutes } from '../channels/telegram/webhook-routes.js';
import { newId } from '../core/ids.js';
import { createTelegramBotsService, type TelegramBotsService } from '../core/telegram/bots-service.js';
import { telegramOwnerActor } from '../core/telegram/owner.js';
import { NO_TURN_TOOLS, withMoreTools } from '../core/owner/turn-tools.js';
import { httpLoopTools } from '../core/http-tools/loop-tools.js';
import { createTelegramTurnService } from '../core/telegram/turn-service.js';
import {
  createTelegramFunnelService,
  type FunnelManagerRequest,
  type TelegramFunnelService,
} from '../core/telegram/funnel/funnel-service.js';
import { telegramFunnelRoutes } from '../routes/admin/telegram/funnel.js';
import type { TakenMessage } from '../core/voice/ports.js';
import { telegramRoutes } from '../routes/admin/telegram/index.js';
import type { Started } from './index.js';
import type { Module, ModuleDefinition } from './module.js';

export interface TelegramModule extends Module {
  bots: TelegramBotsService;
  funnel: TelegramFunnelService;
  channel: TelegramChannel;
}

/**
 * Telegram bots: one supervised child process per bot (grammY, kind `telegram-bot`), their turns answered
 * through the LLM router and the speech workers, `/api/telegram/*` and the webhook endpoint. Comes after
 * `voice` (taken messages and their webhooks) and `processes` (the supervisor the bots run under).
 */
export const telegramModule: ModuleDefinition<Started, 'telegram'> = {
  name: 'telegram',
  enabled: (config) => config.telegram.enabled,
  async start({ config, logger, clock, get }) {
    const log = logger.child({ component: 'telegram' });
    const { stores } = get('database');
    const { secrets } = get('accounts').services;
    const llm = get('llm').services;
    const { supervisor, kinds } = get('processes');
    const speech = get('speech').runtime;
    const voice = get('voice');
    const owner = get('owner');
    const httpTools = get('tools').service;
    const audioDir = path.join(config.dataDir, 'telegram');
    const bots = createTelegramBotsService({
      store: stores.telegram.bots,
      secrets,
      checkToken: createTokenCheck(config.telegram.apiRoot),
      knowsRoute: (route) => llm.router.knowsRoute(route),
      clock,
    });
    const late: { channel?: TelegramChannel } = {}; // the channel is made after the services it uses
    const takeMessage = async (request: FunnelManagerRequest) => {
      const bot = await bots.get(request.botId);
      const offer = request.productId
        ? `offer "${request.step}" (product ${request.productId})`
        : `offer "${request.step}"`;
      const segment = request.segment ? `, segment ${request.segment}` : '';
      const message: TakenMessage = {
        id: newId(),
        conversationId: null,
        channel: 'telegram',
        source: 'scripted',
        callerName: request.answers.name ?? request.user,
        callbackNumber: request.answers.phone ?? '',
        reason: `Asked for a manager at the ${offer}${segment} in the Telegram bot "${bot.name}" (${request.user}, chat ${request.chatId})`,
        createdAt: clock(),
        handledAt: null,
        handledBy: null,
      };
      await stores.conversations.addMessage(message);
      void voice.notifier.messageTaken(message);
    };
    const funnel = createTelegramFunnelService({
      funnels: stores.telegram.funnels,
      progress: stores.telegram.funnelProgress,
      subscribers: stores.telegram.subscribers,
      events: stores.telegram.events,
      clock,
      takeMessage,
      onPublished: async (botId) => late.channel?.reconfigure(await bots.get(botId), false),
    });
    const turns = createTelegramTurnService({
      turns: stores.telegram.turns,
      router: llm.router,
      speech: createTelegramSpeech(speech.service, { maxVoiceSeconds: config.telegram.maxVoiceSeconds, audioDir }),
      clock,
      firstTokenTimeoutMs: config.telegram.firstTokenTimeoutMs,
      replyTimeoutMs: config.telegram.replyTimeoutMs,
      maxVoiceSeconds: config.telegram.maxVoiceSeconds,
      onError: (err, message) => log.warn({ err }, message),
      // owner tools only in an owner's private chat; the owner's HTTP tools wherever the bot's persona has them
      tools: (bot, turn) => {
        const actor = telegramOwnerActor(bot, turn);
        const http = httpLoopTools(httpTools, { channel: 'telegram', route: bot.settings.persona });
        return withMoreTools(actor ? owner.turnTools(actor) : NO_TURN_TOOLS, http);
      },
      systemPrompt: (bot, chatId) => funnel.llmPrompt(bot.id, chatId),
    });
    const storeLead = async (lead: TelegramLead) => {
      const message: TakenMessage = {
        id: newId(),
        conversationId: null,
        channel: 'telegram',
        source: 'scripted',
        callerName: lead.name,
        callbackNumber: lead.phone,
        reason: lead.note || `Call-back requested by ${lead.user} through the Telegram bot "${lead.botName}"`,
        createdAt: clock(),
        handledAt: null,
        handledBy: null,
      };
      await stores.conversations.addMessage(message);
      void voice.notifier.messageTaken(message);
    };
    const channel = new TelegramChannel({
      config: config.telegram,
      bots,
      turns,
      inbox: stores.telegram.inbox,
      subscribers: stores.telegram.subscribers,
      memory: llm.memory,
      supervisor,
      kinds,
      heartbeatIntervalMs: config.processes.heartbeatIntervalMs,
      logLevel: config.logLevel,
      storeLead,
      clock,
      logger: log,
      owner: owner.commands,
      funnel,
    });
    late.channel = channel;
    await channel.start();
    return {
      name: 'telegram',
      bots,
      funnel,
      channel,
      routes: {
        api: [
          {
            prefix: '/telegram',
            plugin: telegramRoutes(
              {
                bots,
                channel,
                turns: stores.telegram.turns,
                subscribers: stores.telegram.subscribers,
                funnelProgress: (botId) => funnel.progress(botId),
              },
              (p) => path.join(audioDir, p),
            ),
          },
          {
            prefix: '/telegram',
            plugin: telegramFunnelRoutes({ bots, funnel, events: stores.telegram.events, clock }),
          },
        ],
        root: [telegramWebhookRoutes(channel)],
      },
      close: async () => channel.close(),
    };
  },
};
