import { InlineKeyboard, type Api, type Context } from 'grammy';
import type { FunnelInput, FunnelOutMessage, FunnelReplyMessage, TelegramUser } from '@ai-secretary/protocol';
import type { WorkerLink } from '../kit/run-worker.js';
import type { Logger } from '../kit/logger.js';

/** Longest the bot waits for the funnel's answer before it falls back (greeting, or a turn). */
const FUNNEL_WAIT_MS = 30_000;

/** The buttons of a funnel message, one per row (`pay:` buttons are the payments module's to answer). */
export function funnelKeyboard(message: FunnelOutMessage): InlineKeyboard | undefined {
  if (message.buttons.length === 0) return undefined;
  const keyboard = new InlineKeyboard();
  for (const button of message.buttons) {
    if (button.url) keyboard.url(button.label, button.url);
    else keyboard.text(button.label, button.data ?? 'funnel:resume');
    keyboard.row();
  }
  return keyboard;
}

/**
 * The funnel on the bot's side: passes /start, `funnel:` presses and private texts to the orchestrator
 * (`funnel.input`), sends the messages it answers with their buttons, then says `funnel.sent`.
 */
export class FunnelClient {
  private readonly waiting = new Map<number, (reply: FunnelReplyMessage | null) => void>();

  constructor(
    private readonly api: () => Api,
    private readonly link: WorkerLink<'telegram-bot'>,
    private readonly logger: Logger,
  ) {}

  get active(): number {
    return this.waiting.size;
  }

  onReply(reply: FunnelReplyMessage): void {
    this.waiting.get(reply.updateId)?.(reply);
  }

  /** Asks the funnel; true when it answered (and its messages are sent), false when the update is not its. */
  async run(ctx: Context, from: TelegramUser, input: FunnelInput, source?: string | null): Promise<boolean> {
    const chatId = ctx.chat!.id;
    const updateId = ctx.update.update_id;
    const reply = await this.ask({ updateId, chatId, from, input, ...(source !== undefined ? { source } : {}) });
    if (reply === null || !reply.handled) return false;
    for (const message of reply.messages)
      await this.api().sendMessage(chatId, message.text, { reply_markup: funnelKeyboard(message) });
    this.link.send({ type: 'funnel.sent', updateId, chatId });
    return true;
  }

  private ask(message: {
    updateId: number;
    chatId: number;
    from: TelegramUser;
    input: FunnelInput;
    source?: string | null;
  }): Promise<FunnelReplyMessage | null> {
    return new Promise((resolve) => {
      const done = (reply: FunnelReplyMessage | null) => {
        clearTimeout(timer);
        this.waiting.delete(message.updateId);
        resolve(reply);
      };
      const timer = setTimeout(() => {
        this.logger.warn({ updateId: message.updateId }, 'no funnel answer from the orchestrator in time');
        done(null);
      }, FUNNEL_WAIT_MS);
      this.waiting.set(message.updateId, done);
      this.link.send({ type: 'funnel.input', ...message });
    });
  }
}
