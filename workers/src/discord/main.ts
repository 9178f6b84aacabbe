import { DiscordjsErrorCodes, Events, type DiscordjsError } from 'discord.js';
import type { DiscordConfigMessage, DiscordOrchestratorMessage } from '@ai-secretary/protocol';
import { exitFatal, runBotChild, type BotChild } from '../kit/bot-child.js';
import type { Logger } from '../kit/logger.js';
import type { WorkerLink } from '../kit/run-worker.js';
import { createDiscordBot, type DiscordBotInstance } from './bot.js';

/** Gateway close codes retrying cannot fix: the process reports `fatal` and the supervisor does not restart it. */
const FATAL_CLOSES: Record<number, string> = {
  4004: 'Discord refused the token (4004 Authentication failed): it was reset or is wrong',
  4013: 'Discord refused the intents (4013 Invalid intents)',
  4014: 'Discord refused the Message Content intent (4014 Disallowed intents): enable it for the bot in the developer portal',
};

const DISALLOWED_INTENTS = /disallowed intents/i;

function fatalReasonOf(error: unknown): string | null {
  const code = (error as Partial<DiscordjsError>).code;
  if (code === DiscordjsErrorCodes.TokenInvalid)
    return 'Discord refused the token (401 Unauthorized): it was reset or is wrong';
  const message = error instanceof Error ? error.message : String(error);
  if (/Authentication failed/i.test(message)) return FATAL_CLOSES[4004]!;
  if (DISALLOWED_INTENTS.test(message)) return FATAL_CLOSES[4014]!;
  return null;
}

/**
 * One Discord bot (kind `discord-bot`), spawned by the orchestrator's supervisor: it holds the link, waits for
 * its `discord.config` (the token never travels through the environment), then runs discord.js.
 */
class DiscordBotProcess implements BotChild<'discord-bot'> {
  private config: DiscordConfigMessage | undefined;
  private instance: DiscordBotInstance | undefined;
  private link: WorkerLink<'discord-bot'> | undefined;

  constructor(private readonly logger: Logger) {}

  get activeJobs(): number {
    const instance = this.instance;
    return (
      (instance?.turns.active ?? 0) +
      (instance?.bursts.size ?? 0) +
      (instance?.owner.active ?? 0) +
      (instance?.commands.active ?? 0)
    );
  }

  onMessage(message: DiscordOrchestratorMessage, link: WorkerLink<'discord-bot'>): void {
    this.link = link;
    switch (message.type) {
      case 'discord.config':
        return void this.configure(message, link);
      case 'turn.delta':
        return this.instance?.turns.onDelta(message.turnId, message.text);
      case 'turn.reply':
        return this.instance?.turns.onReply(message);
      case 'turn.adopt':
        return this.instance?.turns.onAdopt(message.turnId, message.messageId);
      case 'owner.prompt':
        return void this.instance?.owner.show(message);
      case 'owner.answer':
        return this.instance?.owner.onAnswer(message);
      case 'command.reply':
        return this.instance?.commands.onReply(message);
      case 'voice.join':
        return this.instance?.voice.onJoin(message);
      case 'voice.leave':
        return this.instance?.voice.onLeave(message);
      case 'command.choices':
        return this.instance?.commands.onChoices(message);
    }
  }

  private async configure(config: DiscordConfigMessage, link: WorkerLink<'discord-bot'>): Promise<void> {
    const first = this.config === undefined;
    this.config = config; // later configs change settings in place; a new token means a restart
    if (!first) return;
    try {
      await this.launch(config, link);
    } catch (error) {
      this.failStart(error, link);
    }
  }

  private async launch(config: DiscordConfigMessage, link: WorkerLink<'discord-bot'>): Promise<void> {
    let messageContent = true;
    try {
      await this.connect(config, true);
    } catch (error) {
      if (!DISALLOWED_INTENTS.test(error instanceof Error ? error.message : '')) throw error;
      this.logger.warn('Message Content intent refused; answering mentions, replies and DMs only');
      await this.instance?.client.destroy();
      messageContent = false;
      await this.connect(config, false);
    }
    const { client } = this.instance!;
    client.on(Events.ShardDisconnect, (event) => {
      const reason = FATAL_CLOSES[event.code];
      if (reason) this.fatal(reason);
    });
    const me = client.user!;
    const guilds = client.guilds.cache.size;
    link.send({ type: 'discord.ready', username: me.username, discordId: me.id, guilds, messageContent });
    this.logger.info({ username: me.username, guilds, messageContent }, 'discord bot running');
    await this.instance!.commands.start();
    await this.instance!.catchUp(config.catchUp);
  }

  /** Logs in and waits for READY (rejects on a refused token or intents). */
  private async connect(config: DiscordConfigMessage, messageContent: boolean): Promise<void> {
    const instance = createDiscordBot({
      config: () => this.config!,
      link: this.link!,
      logger: this.logger,
      messageContent,
    });
    this.instance = instance;
    const { client } = instance;
    client.on(Events.Error, (error) => this.logger.warn({ err: error.message }, 'discord client error'));
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    await client.login(config.token);
    await ready;
  }

  private failStart(error: unknown, link: WorkerLink<'discord-bot'>): void {
    const reason = fatalReasonOf(error);
    if (reason) return this.fatal(reason, link);
    this.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'discord bot could not start');
    process.exit(1); // the supervisor restarts it with backoff
  }

  /** Reports why it cannot go on, then exits: the supervisor marks it failed instead of restarting it. */
  private fatal(reason: string, link = this.link): void {
    exitFatal(this.logger, reason, link);
  }

  async stop(): Promise<void> {
    this.instance?.voice.leaveAll();
    await this.instance?.client.destroy();
  }
}

runBotChild('discord-bot', (logger) => new DiscordBotProcess(logger));
