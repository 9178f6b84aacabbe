import { randomUUID } from 'node:crypto';
import { InlineKeyboard, type Api, type Bot, type Context } from 'grammy';
import type {
  InvoiceAnswer,
  PaymentAnswerBody,
  PaymentAnswerMessage,
  TelegramConfigMessage,
  TelegramPaymentBotMessage,
  TelegramUser,
} from '@ai-secretary/protocol';
import type { WorkerLink } from '../kit/run-worker.js';
import type { Logger } from '../kit/logger.js';

/** The button an offer shows: `pay:<productId>`. */
export const PAY_BUTTON = /^pay:([A-Za-z0-9_-]{1,64})$/;
/** Telegram gives a bot 10 s to answer a pre_checkout_query; the orchestrator gets 8 of them. */
const CHECK_WAIT_MS = 8000;
const ASK_WAIT_MS = 30_000;
/** Tries to get a successful_payment stored before the update is given up (each waits ASK_WAIT_MS at most). */
const PAID_ATTEMPTS = 5;

const TEXTS = {
  ru: { tryAgain: 'Не удалось обработать оплату. Попробуйте ещё раз через минуту.' },
  en: { tryAgain: 'The payment could not be handled. Please try again in a minute.' },
};

type Ask = Extract<TelegramPaymentBotMessage, { askId: string }>;
type AskBody = Ask extends infer A ? (A extends Ask ? Omit<A, 'askId'> : never) : never;

export interface PaymentFlowDeps {
  api: () => Api;
  link: WorkerLink<'telegram-bot'>;
  config: () => TelegramConfigMessage;
  logger: Logger;
  userOf: (ctx: Context) => TelegramUser;
}

/**
 * Payments on the bot's side: a `pay:<productId>` press sends the invoice the orchestrator describes (or a
 * payment link), a `pre_checkout_query` is answered with the orchestrator's verdict within Telegram's 10 s, and a
 * `successful_payment` is handed over until the orchestrator says it is stored (only then is the update finished).
 */
export class PaymentFlow {
  private readonly waiting = new Map<string, (answer: PaymentAnswerBody | null) => void>();

  constructor(private readonly deps: PaymentFlowDeps) {}

  get active(): number {
    return this.waiting.size;
  }

  register(bot: Bot): void {
    bot.callbackQuery(PAY_BUTTON, (ctx) => this.onPay(ctx, ctx.match[1]!));
    bot.on('pre_checkout_query', (ctx) => this.onPreCheckout(ctx));
    bot.on('message:successful_payment', (ctx) => this.onPaid(ctx));
  }

  onAnswer(message: PaymentAnswerMessage): void {
    this.waiting.get(message.askId)?.(message.answer);
  }

  private texts() {
    return TEXTS[this.deps.config().language];
  }

  private ask(body: AskBody, waitMs: number): Promise<PaymentAnswerBody | null> {
    const askId = randomUUID();
    return new Promise((resolve) => {
      const done = (answer: PaymentAnswerBody | null) => {
        clearTimeout(timer);
        this.waiting.delete(askId);
        resolve(answer);
      };
      const timer = setTimeout(() => done(null), waitMs);
      this.waiting.set(askId, done);
      this.deps.link.send({ ...body, askId });
    });
  }

  private async onPay(ctx: Context, productId: string): Promise<void> {
    await ctx.answerCallbackQuery();
    if (!ctx.from) return;
    // a button under a message too old to be included still comes from the user's private chat (same id)
    const chatId = ctx.chat?.id ?? ctx.from.id;
    const answer = await this.ask(
      { type: 'payment.invoice', chatId, from: this.deps.userOf(ctx), productId },
      ASK_WAIT_MS,
    );
    if (answer?.kind === 'text') return void (await this.deps.api().sendMessage(chatId, answer.text));
    if (answer?.kind === 'link') {
      const keyboard = new InlineKeyboard().url(answer.buttonLabel, answer.url);
      await this.deps.api().sendMessage(chatId, answer.text, { reply_markup: keyboard });
      return this.sent(chatId, productId, 'yoomoney');
    }
    if (answer?.kind !== 'invoice') return void (await this.deps.api().sendMessage(chatId, this.texts().tryAgain));
    const method = await this.sendInvoice(chatId, answer);
    this.sent(chatId, productId, method);
  }

  /** An invoice in the chat; a subscription as a link (only createInvoiceLink takes `subscription_period`). */
  private async sendInvoice(chatId: number, invoice: InvoiceAnswer): Promise<'invoice' | 'invoice-link'> {
    const api = this.deps.api();
    const prices = [{ label: invoice.title, amount: invoice.amount }];
    const { title, description, payload, currency, providerToken } = invoice;
    if (invoice.subscriptionPeriodS === null) {
      await api.sendInvoice(chatId, title, description, payload, currency, prices, { provider_token: providerToken });
      return 'invoice';
    }
    const url = await api.createInvoiceLink(title, description, payload, providerToken, currency, prices, {
      subscription_period: invoice.subscriptionPeriodS,
    });
    await api.sendMessage(chatId, invoice.text, { reply_markup: new InlineKeyboard().url(invoice.buttonLabel, url) });
    return 'invoice-link';
  }

  private sent(chatId: number, productId: string, method: 'invoice' | 'invoice-link' | 'yoomoney'): void {
    this.deps.link.send({ type: 'payment.invoice.sent', chatId, productId, method });
  }

  private async onPreCheckout(ctx: Context): Promise<void> {
    const query = ctx.preCheckoutQuery!;
    const answer = await this.ask(
      {
        type: 'payment.check',
        from: this.deps.userOf(ctx),
        payload: query.invoice_payload,
        currency: query.currency,
        totalAmount: query.total_amount,
      },
      CHECK_WAIT_MS,
    );
    if (answer?.kind === 'check' && answer.ok) return void (await ctx.answerPreCheckoutQuery(true));
    const reason = answer?.kind === 'check' ? (answer.errorMessage ?? this.texts().tryAgain) : this.texts().tryAgain;
    await ctx.answerPreCheckoutQuery(false, { error_message: reason });
  }

  private async onPaid(ctx: Context): Promise<void> {
    const payment = ctx.message!.successful_payment!;
    const body: AskBody = {
      type: 'payment.paid',
      chatId: ctx.chat!.id,
      from: this.deps.userOf(ctx),
      payload: payment.invoice_payload,
      currency: payment.currency,
      totalAmount: payment.total_amount,
      telegramChargeId: payment.telegram_payment_charge_id,
      providerChargeId: payment.provider_payment_charge_id,
      ...(payment.subscription_expiration_date ? { subscriptionExpiresAt: payment.subscription_expiration_date } : {}),
      ...(payment.is_recurring ? { isRecurring: true } : {}),
    };
    for (let attempt = 1; attempt <= PAID_ATTEMPTS; attempt++) {
      const answer = await this.ask(body, ASK_WAIT_MS);
      if (answer?.kind === 'paid') return void (await ctx.reply(answer.text));
      this.deps.logger.warn({ attempt, updateId: ctx.update.update_id }, 'payment not stored yet; asking again');
      await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
    }
    throw new Error('successful_payment could not be stored');
  }
}
