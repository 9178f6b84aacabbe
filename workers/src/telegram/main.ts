import { GrammyError } from 'grammy';
import type { Update } from 'grammy/types';
import type {
  TelegramConfigMessage,
  TelegramOrchestratorMessage,
  TelegramPaymentOrchestratorMessage,
} from '@ai-secretary/protocol';
import { exitFatal, runBotChild, type BotChild } from '../kit/bot-child.js';
import type { Logger } from '../kit/logger.js';
import type { WorkerLink } from '../kit/run-worker.js';
import { createBot, type BotInstance } from './bot.js';
import { UpdateDispatcher } from './dispatcher.js';
import { ALLOWED_UPDATES, LongPoller } from './poller.js';

/** Time a stopping bot gives the turns in flight before it exits (the supervisor's grace is longer). */
const STOP_DRAIN_MS = 2000;

/**
 * One Telegram bot (kind `telegram-bot`), spawned by the orchestrator's supervisor: it holds the link, waits
 * for its `telegram.config` (the token never travels through the environment), then runs grammY.
 */
class TelegramBotProcess implements BotChild<'telegram-bot'> {
  private config: TelegramConfigMessage | undefined;
  private instance: BotInstance | undefined;
  private poller: LongPoller | undefined;
  private dispatcher: UpdateDispatcher | undefined;
  private link: WorkerLink<'telegram-bot'> | undefined;
  private readonly batches = new Map<number, () => void>();
  private nextBatch = 0;

  constructor(private readonly logger: Logger) {}

  get activeJobs(): number {
    const instance = this.instance;
    const busy =
      (instance?.turns.active ?? 0) +
      (instance?.owner.active ?? 0) +
      (instance?.funnel.active ?? 0) +
      (instance?.payments.active ?? 0);
    return (this.dispatcher?.active ?? 0) + busy;
  }

  onMessage(
    message: TelegramOrchestratorMessage | TelegramPaymentOrchestratorMessage,
    link: WorkerLink<'telegram-bot'>,
  ): void {
    this.link = link;
    switch (message.type) {
      case 'telegram.config':
        return void this.configure(message, link);
      case 'telegram.update':
        return this.dispatcher?.push(message.update);
      case 'updates.stored':
        this.batches.get(message.batchId)?.();
        return void this.batches.delete(message.batchId);
      case 'turn.delta':
        return this.instance?.turns.onDelta(message.turnId, message.text);
      case 'turn.reply':
        return this.instance?.turns.onReply(message);
      case 'owner.prompt':
        return void this.instance?.owner.show(message);
      case 'owner.answer':
        return this.instance?.owner.onAnswer(message);
      case 'funnel.reply':
        return this.instance?.funnel.onReply(message);
      case 'payment.answer':
        return this.instance?.payments.onAnswer(message);
    }
  }

  private async configure(config: TelegramConfigMessage, link: WorkerLink<'telegram-bot'>): Promise<void> {
    const first = this.config === undefined;
    this.config = config; // later configs change settings in place; a new token or transport means a restart
    if (!first) return;
    try {
      await this.launch(config, link);
    } catch (error) {
      this.failStart(error, link);
    }
  }

  private async launch(config: TelegramConfigMessage, link: WorkerLink<'telegram-bot'>): Promise<void> {
    const instance = createBot({ config: () => this.config!, link, logger: this.logger });
    this.instance = instance;
    const initialized = instance.bot.init(); // getMe: a revoked token fails here
    // Stored updates arrive right after the config: they wait for getMe, they are not dropped.
    this.dispatcher = new UpdateDispatcher({
      handle: async (update) => {
        await initialized;
        await instance.bot.handleUpdate(update);
      },
      done: (updateId) => link.send({ type: 'update.done', updateId }),
      logger: this.logger,
    });
    await initialized;
    await instance
      .registerCommands()
      .catch((error: unknown) => this.logger.warn({ err: String(error) }, 'setMyCommands failed'));
    await this.startTransport(config, instance);
    const me = instance.bot.botInfo;
    link.send({ type: 'telegram.ready', username: me.username, telegramId: me.id, mode: config.transport.mode });
    this.logger.info({ username: me.username, mode: config.transport.mode }, 'telegram bot running');
  }

  private async startTransport(config: TelegramConfigMessage, instance: BotInstance): Promise<void> {
    const { api } = instance.bot;
    if (config.transport.mode === 'webhook') {
      const { url, secretToken } = config.transport;
      await api.setWebhook(url, { secret_token: secretToken, allowed_updates: [...ALLOWED_UPDATES] });
      return;
    }
    await api.deleteWebhook({ drop_pending_updates: false });
    this.poller = new LongPoller({
      api,
      store: (updates) => this.store(updates),
      onFatal: (reason) => this.fatal(reason),
      logger: this.logger,
    });
    this.poller.start();
  }

  /** Hands a batch to the orchestrator and waits until it is stored. */
  private store(updates: Update[]): Promise<void> {
    const batchId = this.nextBatch++;
    return new Promise((resolve) => {
      this.batches.set(batchId, resolve);
      this.link?.send({ type: 'updates.received', batchId, updates: updates });
    });
  }

  private failStart(error: unknown, link: WorkerLink<'telegram-bot'>): void {
    if (error instanceof GrammyError && (error.error_code === 401 || error.error_code === 404))
      return this.fatal(
        `Telegram refused the token (${error.error_code} ${error.description}): it was revoked or is wrong`,
        link,
      );
    this.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'telegram bot could not start');
    process.exit(1); // the supervisor restarts it with backoff
  }

  /** Reports why it cannot go on, then exits: the supervisor marks it failed instead of restarting it. */
  private fatal(reason: string, link = this.link): void {
    exitFatal(this.logger, reason, link);
  }

  async stop(): Promise<void> {
    await this.poller?.stop();
    await this.dispatcher?.idle(STOP_DRAIN_MS);
  }
}

runBotChild('telegram-bot', (logger) => new TelegramBotProcess(logger));
