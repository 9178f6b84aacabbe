import type {
  PaymentAnswerBody,
  PaymentCheckAsk,
  PaymentInvoiceAsk,
  PaymentInvoiceSentMessage,
  PaymentPaidAsk,
  TelegramPaymentBotMessage,
} from '@ai-secretary/protocol';
import type { TelegramBotRecord } from '../../core/telegram/types.js';
import type { Logger } from '../../logger.js';

export type PaymentAsk = PaymentInvoiceAsk | PaymentCheckAsk | PaymentPaidAsk;

/** What answers the bot processes' payment questions (the payments module). */
export interface TelegramPaymentsHandler {
  ask(bot: TelegramBotRecord, message: PaymentAsk): Promise<PaymentAnswerBody>;
  invoiceSent(bot: TelegramBotRecord, message: PaymentInvoiceSentMessage): Promise<void>;
}

const PAYMENT_TYPES = new Set<string>(['payment.invoice', 'payment.check', 'payment.paid', 'payment.invoice.sent']);

export const isPaymentMessage = (message: { type: string }): message is TelegramPaymentBotMessage =>
  PAYMENT_TYPES.has(message.type);

/**
 * Answers one payment message from a bot process. Any failure answers `failed`: the bot does not finish the
 * update, so a `successful_payment` is offered again rather than lost.
 */
export async function answerPayment(
  handler: TelegramPaymentsHandler | undefined,
  bot: TelegramBotRecord,
  message: TelegramPaymentBotMessage,
  logger: Logger,
): Promise<PaymentAnswerBody | null> {
  if (message.type === 'payment.invoice.sent') {
    await handler?.invoiceSent(bot, message);
    return null;
  }
  if (!handler) return { kind: 'failed' };
  try {
    return await handler.ask(bot, message);
  } catch (error) {
    logger.error({ err: error, botId: bot.id, type: message.type }, 'telegram: payment step failed');
    return { kind: 'failed' };
  }
}
