import type WebSocket from 'ws';
import type { DiscordBotHello, DiscordConfigMessage } from '@ai-secretary/protocol';
import type { DiscordConfig } from '../../config.js';
import type { DiscordBotsService } from '../../core/discord/bots-service.js';
import { discordOwnerPress } from '../../core/discord/owner.js';
import type { OwnerCommandService } from '../../core/owner/owner-commands.js';
import type { DiscordTurnService } from '../../core/discord/turn-service.js';
import type { DiscordCommandsService } from '../../core/discord/commands-service.js';
import type { DiscordGuildSettingsService } from '../../core/discord/guild-settings.js';
import type { DiscordBotRecord } from '../../core/discord/types.js';
import type { Logger } from '../../logger.js';
import { createBotProcesses, type BotProcesses } from '../bot-processes.js';
import { ChildConnection, type KindMessage } from '../../processes/child-link.js';
import type { LinkKinds } from '../../processes/link-endpoint.js';
import type { ProcessSupervisor } from '../../processes/process-supervisor.js';
import { DiscordBotNotRunningError } from '../../errors.js';
import { DiscordVoiceRegistry } from './voice-registry.js';

const BOT_ENTRY = 'workers/src/discord/main.ts';

type BotLink = ChildConnection<'discord-bot'>;
type BotMessage = KindMessage<'discord-bot'>;

export interface DiscordChannelDeps {
  config: DiscordConfig;
  bots: DiscordBotsService;
  turns: DiscordTurnService;
  supervisor: ProcessSupervisor;
  kinds: LinkKinds;
  heartbeatIntervalMs: number;
  logLevel: string;
  logger: Logger;
  /** Owner commands (Confirm / Cancel presses); absent: presses are ignored. */
  owner?: Pick<OwnerCommandService, 'press'>;
  /** The servers each bot is in and their settings (auto-reply channels). */
  guilds: DiscordGuildSettingsService;
  commands: DiscordCommandsService;
}

/**
 * Runs every Discord bot as a supervised child process (one per bot, kind `discord-bot`) and speaks the bot
 * link: sends each bot its configuration (token included, over the authenticated link) and answers its turns.
 */
export class DiscordChannel {
  private readonly links = new Map<string, BotLink>();
  /** Bots whose process said `discord.ready` on its current link: whether it got the Message Content intent. */
  private readonly ready = new Map<string, { messageContent: boolean }>();
  /** Voice connections the bots reported, and where they should be (docs/discord-voice.md). */
  readonly voice = new DiscordVoiceRegistry();

  /** The bots' child processes (start, stop, restart, remove). */
  readonly processes: BotProcesses;

  constructor(private readonly deps: DiscordChannelDeps) {
    this.processes = createBotProcesses({
      kind: 'discord-bot',
      entry: BOT_ENTRY,
      bots: deps.bots,
      supervisor: deps.supervisor,
      memoryLimitMb: deps.config.botMemoryLimitMb,
      logLevel: deps.logLevel,
      label: (bot: DiscordBotRecord) => `discord ${bot.username}`,
      onRemoved: (botId) => this.forget(botId),
    });
    deps.kinds.register('discord-bot', {
      heartbeatIntervalMs: deps.heartbeatIntervalMs,
      accept: (socket, hello) => this.accept(socket, hello),
    });
  }

  /** Starts the bots admins left running (the orchestrator restarted: they come back). */
  async start(): Promise<void> {
    await this.processes.startDesired();
  }

  isReady(botId: string): boolean {
    return this.ready.has(botId) && this.processes.child(botId)?.status === 'ready';
  }

  /** Whether the running bot receives message content (null until its gateway is ready). */
  messageContent(botId: string): boolean | null {
    return this.isReady(botId) ? (this.ready.get(botId)?.messageContent ?? null) : null;
  }

  /** Settings changed: a running bot gets them at once; a new token needs a new process. */
  async reconfigure(bot: DiscordBotRecord, tokenChanged: boolean): Promise<void> {
    if (bot.desired !== 'running') return;
    if (tokenChanged) return this.processes.restart(bot.id);
    const link = this.links.get(bot.id);
    if (link) link.send(await this.configOf(bot));
  }

  private forget(botId: string): void {
    this.links.delete(botId);
    this.ready.delete(botId);
    this.voice.forget(botId);
  }

  /** Sends the running bot into a voice channel; throws DiscordBotNotRunningError when it is not connected. */
  joinVoice(botId: string, guildId: string, channelId: string): void {
    this.readyLink(botId).send({ type: 'voice.join', guildId, channelId });
    this.voice.want(botId, guildId, channelId);
  }

  leaveVoice(botId: string, guildId: string): void {
    this.voice.want(botId, guildId, null);
    this.readyLink(botId).send({ type: 'voice.leave', guildId });
  }

  private readyLink(botId: string): BotLink {
    const link = this.links.get(botId);
    if (!link || !this.isReady(botId)) throw new DiscordBotNotRunningError(botId);
    return link;
  }

  private accept(socket: WebSocket, hello: DiscordBotHello): BotLink {
    const link = new ChildConnection(socket, 'discord-bot', hello, this.deps.logger);
    const botId = this.processes.botIdOf(hello.workerId);
    this.links.set(botId, link);
    this.ready.delete(botId);
    link.once('close', () => {
      if (this.links.get(botId) === link) this.forget(botId);
    });
    link.onMessage((message) => void this.receive(botId, link, message));
    setImmediate(() => void this.greet(botId, link)); // after the endpoint's `welcome`
    return link;
  }

  private async greet(botId: string, link: BotLink): Promise<void> {
    try {
      link.send(await this.configOf(await this.deps.bots.get(botId)));
    } catch (error) {
      this.deps.logger.error({ err: error, botId }, 'discord: could not configure a bot process');
      link.terminate('no configuration');
    }
  }

  private async configOf(bot: DiscordBotRecord): Promise<DiscordConfigMessage> {
    return {
      type: 'discord.config',
      token: this.deps.bots.token(bot),
      apiRoot: this.deps.config.apiRoot,
      language: bot.settings.language,
      channels: [...new Set([...bot.settings.channels, ...(await this.deps.guilds.channels(bot.id))])],
      burstWindowMs: bot.settings.burstWindowMs,
      catchUp: await this.deps.turns.catchUp(bot),
      voice: {
        daveEncryption: this.deps.config.voiceDave,
        decryptionFailureTolerance: this.deps.config.voiceDecryptionFailureTolerance,
      },
    };
  }

  private async receive(botId: string, link: BotLink, message: BotMessage): Promise<void> {
    try {
      await this.handle(botId, link, message);
    } catch (error) {
      this.deps.logger.error({ err: error, botId, type: message.type }, 'discord: bot message failed');
    }
  }

  private async handle(botId: string, link: BotLink, message: BotMessage): Promise<void> {
    const { deps } = this;
    switch (message.type) {
      case 'discord.ready':
        this.ready.set(botId, { messageContent: message.messageContent });
        if (!message.messageContent)
          deps.logger.warn({ botId }, 'discord: Message Content intent refused; mentions, replies and DMs only');
        for (const [guildId, channelId] of this.voice.wantedBy(botId))
          link.send({ type: 'voice.join', guildId, channelId });
        return;
      case 'voice.state': {
        const view = this.voice.update(botId, message);
        const log = view.status === 'failed' ? deps.logger.warn.bind(deps.logger) : deps.logger.info.bind(deps.logger);
        log(
          { botId, guildId: view.guildId, status: view.status, reason: view.reason, closeCode: view.closeCode },
          'discord voice',
        );
        return;
      }
      case 'turn.start': {
        const { turnId } = message;
        return deps.turns.handle(await deps.bots.get(botId), message, {
          adopt: (messageId) => link.send({ type: 'turn.adopt', turnId, messageId }),
          delta: (text) => link.send({ type: 'turn.delta', turnId, text }),
          reply: (reply) => link.send({ type: 'turn.reply', turnId, ...reply }),
          prompt: (prompt) => link.send({ type: 'owner.prompt', ...prompt }),
        });
      }
      case 'turn.shown':
        return deps.turns.shown(botId, message.turnId, message.messageId);
      case 'turn.sent':
        return deps.turns.delivered(botId, message.turnId);
      case 'discord.guilds':
        return deps.guilds.report(botId, message.guilds);
      case 'command.start': {
        const answer = await deps.commands.handle(await deps.bots.get(botId), message);
        if (answer) link.send({ type: 'command.reply', interactionId: message.interactionId, ...answer });
        return;
      }
      case 'command.autocomplete': {
        const choices = await deps.commands.autocomplete(await deps.bots.get(botId), message);
        return link.send({ type: 'command.choices', interactionId: message.interactionId, choices });
      }
      case 'owner.press': {
        if (!deps.owner) return;
        const answer = await deps.owner.press(discordOwnerPress(await deps.bots.get(botId), message));
        return link.send({ type: 'owner.answer', pressId: message.pressId, ...answer });
      }
    }
  }

  /** Ends every bot's turns in flight (the processes are stopped by the supervisor). */
  close(): void {
    this.deps.turns.abortAll();
  }
}
