import type WebSocket from 'ws';
import type { TelegramBotHello, TelegramConfigMessage, TelegramTransport } from '@ai-secretary/protocol';
import type { TelegramConfig } from '../../config.js';
import type { ConversationMemory } from '../../core/llm/memory.js';
import { randomToken } from '../../core/ids.js';
import type { OwnerCommandService } from '../../core/owner/owner-commands.js';
import type { TelegramBotsService } from '../../core/telegram/bots-service.js';
import { telegramOwnerPress } from '../../core/telegram/owner.js';
import type { TelegramTurnService } from '../../core/telegram/turn-service.js';
import type { TelegramFunnelService } from '../../core/telegram/funnel/funnel-service.js';
import type { TelegramBotRecord, TelegramInboxStore, TelegramSubscriberStore } from '../../core/telegram/types.js';
import type { Logger } from '../../logger.js';
import { createBotProcesses, type BotProcesses } from '../bot-processes.js';
import { ChildConnection, type KindMessage } from '../../processes/child-link.js';
import type { LinkKinds } from '../../processes/link-endpoint.js';
import type { ProcessSupervisor } from '../../processes/process-supervisor.js';
import { tokenMatches } from '../../processes/shared-token.js';
import { TelegramWebhookSecretError, NotFoundError } from '../../errors.js';
import { answerPayment, isPaymentMessage, type TelegramPaymentsHandler } from './payments-link.js';

const BOT_ENTRY = 'workers/src/telegram/main.ts';
/** Telegram's own limit for voice notes a bot may download. */
const MAX_VOICE_BYTES = 20 * 1024 * 1024;
/** Handled updates are remembered this long, so a late redelivery is recognised. */
const INBOX_KEEP_MS = 7 * 24 * 3_600_000;

type BotLink = ChildConnection<'telegram-bot'>;
type BotMessage = KindMessage<'telegram-bot'>;

/** What a bot's taken "call me back" form becomes (a taken message, announced by webhooks). */
export interface TelegramLead {
  botId: string;
  botName: string;
  chatId: number;
  user: string;
  name: string;
  phone: string;
  note: string;
}

export interface TelegramChannelDeps {
  config: TelegramConfig;
  bots: TelegramBotsService;
  turns: TelegramTurnService;
  inbox: TelegramInboxStore;
  subscribers: TelegramSubscriberStore;
  memory: Pick<ConversationMemory, 'clear'>;
  supervisor: ProcessSupervisor;
  kinds: LinkKinds;
  heartbeatIntervalMs: number;
  logLevel: string;
  storeLead(lead: TelegramLead): Promise<void>;
  clock: () => number;
  logger: Logger;
  /** Owner commands (Confirm / Cancel presses); absent: presses are ignored. */
  owner?: Pick<OwnerCommandService, 'press'>;
  /** The sales funnel (absent: /start greets, texts are turns). */
  funnel?: Pick<TelegramFunnelService, 'handle' | 'delivered' | 'unsubscribed' | 'isLive'>;
}

/**
 * Runs every Telegram bot as a supervised child process (one per bot, kind `telegram-bot`) and speaks the
 * bot link: sends each bot its configuration (token included, over the authenticated link), stores the
 * updates it receives before they are confirmed, hands them back until handled, and answers its turns.
 */
export class TelegramChannel {
  private readonly links = new Map<string, BotLink>();
  /** Bots whose process said `telegram.ready` on its current link. */
  private readonly ready = new Map<string, 'polling' | 'webhook'>();
  private payments: TelegramPaymentsHandler | undefined;

  /** The bots' child processes (start, stop, restart, remove). */
  readonly processes: BotProcesses;

  constructor(private readonly deps: TelegramChannelDeps) {
    this.processes = createBotProcesses({
      kind: 'telegram-bot',
      entry: BOT_ENTRY,
      bots: deps.bots,
      supervisor: deps.supervisor,
      memoryLimitMb: deps.config.botMemoryLimitMb,
      logLevel: deps.logLevel,
      label: (bot: TelegramBotRecord) => `telegram @${bot.username}`,
      onRemoved: (botId) => this.forget(botId),
    });
    deps.kinds.register('telegram-bot', {
      heartbeatIntervalMs: deps.heartbeatIntervalMs,
      accept: (socket, hello) => this.accept(socket, hello),
    });
  }

  /** The payments module answers the bots' `payment.*` questions (invoices, pre-checkouts, payments). */
  usePayments(handler: TelegramPaymentsHandler): void {
    this.payments = handler;
  }

  get transport(): 'polling' | 'webhook' {
    return this.deps.config.webhookBaseUrl ? 'webhook' : 'polling';
  }

  /** Starts the bots admins left running (the orchestrator restarted: they come back). */
  async start(): Promise<void> {
    const pruned = await this.deps.inbox.prune(this.deps.clock() - INBOX_KEEP_MS);
    if (pruned > 0) this.deps.logger.debug({ pruned }, 'telegram: old handled updates forgotten');
    await this.processes.startDesired();
  }

  isReady(botId: string): boolean {
    return this.ready.has(botId) && this.processes.child(botId)?.status === 'ready';
  }

  /** Settings changed: a running bot gets them at once; a new token needs a new process. */
  async reconfigure(bot: TelegramBotRecord, tokenChanged: boolean): Promise<void> {
    if (bot.desired !== 'running') return;
    if (tokenChanged) return this.processes.restart(bot.id);
    const link = this.links.get(bot.id);
    if (link) link.send(await this.configOf(bot));
  }

  /** `POST /telegram/webhook/:id`: checks the secret, stores the update, hands it to the bot process. */
  async webhook(botId: string, secret: string | undefined, update: { update_id: number }): Promise<void> {
    const bot = await this.deps.bots.get(botId).catch(() => null);
    if (!bot || !bot.webhookSecretSealed) throw new NotFoundError('Telegram bot');
    const expected = await this.deps.bots.webhookSecret(bot, () => randomToken(32));
    if (!tokenMatches(expected, secret)) throw new TelegramWebhookSecretError();
    if (await this.deps.inbox.add(botId, update.update_id, update, this.deps.clock()))
      this.links.get(botId)?.send({ type: 'telegram.update', update });
  }

  private forget(botId: string): void {
    this.links.delete(botId);
    this.ready.delete(botId);
  }

  private accept(socket: WebSocket, hello: TelegramBotHello): BotLink {
    const link = new ChildConnection(socket, 'telegram-bot', hello, this.deps.logger);
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

  /** A bot process just linked: its configuration, then every update it has not finished. */
  private async greet(botId: string, link: BotLink): Promise<void> {
    try {
      link.send(await this.configOf(await this.deps.bots.get(botId)));
      for (const { payload } of await this.deps.inbox.pending(botId, 1000))
        link.send({ type: 'telegram.update', update: payload as { update_id: number } });
    } catch (error) {
      this.deps.logger.error({ err: error, botId }, 'telegram: could not configure a bot process');
      link.terminate('no configuration');
    }
  }

  private async transportOf(bot: TelegramBotRecord): Promise<TelegramTransport> {
    const base = this.deps.config.webhookBaseUrl;
    if (!base) return { mode: 'polling' };
    const secretToken = await this.deps.bots.webhookSecret(bot, () => randomToken(32));
    return { mode: 'webhook', url: `${base}/telegram/webhook/${bot.id}`, secretToken };
  }

  private async configOf(bot: TelegramBotRecord): Promise<TelegramConfigMessage> {
    const { settings } = bot;
    return {
      type: 'telegram.config',
      token: this.deps.bots.token(bot),
      apiRoot: this.deps.config.apiRoot,
      transport: await this.transportOf(bot),
      language: settings.language,
      groupMode: settings.groupMode,
      transcript: settings.transcript,
      greeting: settings.greeting,
      menu: settings.menu,
      maxVoiceSeconds: this.deps.config.maxVoiceSeconds,
      maxVoiceBytes: MAX_VOICE_BYTES,
      funnel: (await this.deps.funnel?.isLive(bot.id)) ?? false,
    };
  }

  private async receive(botId: string, link: BotLink, message: BotMessage): Promise<void> {
    try {
      await this.handle(botId, link, message);
    } catch (error) {
      this.deps.logger.error({ err: error, botId, type: message.type }, 'telegram: bot message failed');
    }
  }

  private async handle(botId: string, link: BotLink, message: BotMessage): Promise<void> {
    const { deps } = this;
    if (isPaymentMessage(message)) return this.payment(botId, link, message);
    switch (message.type) {
      case 'telegram.ready':
        this.ready.set(botId, message.mode);
        return;
      case 'updates.received':
        return this.storeBatch(botId, link, message.batchId, message.updates);
      case 'update.done':
        return deps.inbox.done(botId, message.updateId, deps.clock());
      case 'turn.start': {
        const { turnId } = message;
        return deps.turns.handle(await deps.bots.get(botId), message, {
          delta: (text) => link.send({ type: 'turn.delta', turnId, text }),
          reply: (reply) => link.send({ type: 'turn.reply', turnId, ...reply }),
          prompt: (prompt) => link.send({ type: 'owner.prompt', ...prompt }),
        });
      }
      case 'owner.press': {
        if (!deps.owner) return;
        const answer = await deps.owner.press(telegramOwnerPress(await deps.bots.get(botId), message));
        return link.send({ type: 'owner.answer', pressId: message.pressId, ...answer });
      }
      case 'turn.sent':
        return deps.turns.delivered(botId, Number(message.turnId));
      case 'chat.reset':
        await deps.memory.clear(deps.turns.sessionKey(botId, message.chatId));
        if (!message.unsubscribe) return;
        await deps.subscribers.setStatus(botId, message.chatId, 'unsubscribed', deps.clock());
        return deps.funnel?.unsubscribed(botId, message.chatId);
      case 'funnel.input': {
        const reply = deps.funnel
          ? await deps.funnel.handle(await deps.bots.get(botId), message)
          : { handled: false, messages: [] };
        return link.send({ type: 'funnel.reply', updateId: message.updateId, ...reply });
      }
      case 'funnel.sent':
        return deps.funnel?.delivered(botId, message.chatId, message.updateId);
      case 'chat.start':
        return this.subscribe(botId, message);
      case 'chat.member':
        return deps.subscribers.setStatus(botId, message.chatId, message.blocked ? 'blocked' : 'active', deps.clock());
      case 'lead':
        return this.lead(botId, message);
    }
  }

  private async payment(botId: string, link: BotLink, message: Extract<BotMessage, { type: `payment.${string}` }>) {
    const answer = await answerPayment(this.payments, await this.deps.bots.get(botId), message, this.deps.logger);
    if (answer && 'askId' in message) link.send({ type: 'payment.answer', askId: message.askId, answer });
  }

  /** Stores a polled batch, says so (the bot may now confirm it), then hands over what was new. */
  private async storeBatch(botId: string, link: BotLink, batchId: number, updates: Array<{ update_id: number }>) {
    const fresh: Array<{ update_id: number }> = [];
    for (const update of updates)
      if (await this.deps.inbox.add(botId, update.update_id, update, this.deps.clock())) fresh.push(update);
    link.send({ type: 'updates.stored', batchId });
    for (const update of fresh) link.send({ type: 'telegram.update', update });
  }

  private async subscribe(botId: string, message: Extract<BotMessage, { type: 'chat.start' }>): Promise<void> {
    const { from } = message;
    const now = this.deps.clock();
    await this.deps.subscribers.upsert({
      botId,
      chatId: message.chatId,
      userId: from.id,
      userName: from.username ? `@${from.username}` : (from.name ?? null),
      language: from.languageCode ?? null,
      source: message.source,
      status: 'active',
      subscribedAt: now,
      updatedAt: now,
    });
  }

  private async lead(botId: string, message: Extract<BotMessage, { type: 'lead' }>): Promise<void> {
    const bot = await this.deps.bots.get(botId);
    const user = message.from.username ? `@${message.from.username}` : (message.from.name ?? String(message.from.id));
    await this.deps.storeLead({
      botId,
      botName: bot.name,
      chatId: message.chatId,
      user,
      name: message.name,
      phone: message.phone,
      note: message.note,
    });
  }

  /** Ends every bot's turns in flight (the processes are stopped by the supervisor). */
  close(): void {
    this.deps.turns.abortAll();
  }
}
