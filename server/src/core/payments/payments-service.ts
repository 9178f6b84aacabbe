import type { PaymentAnswerBody, PaymentPaidAsk, TelegramUser } from '@ai-secretary/protocol';
import {
  NotFoundError,
  PaymentNotConfiguredError,
  PaymentNotRefundableError,
  PaymentSignatureError,
} from '../../errors.js';
import { newId } from '../ids.js';
import type { TelegramEventStore, TelegramSubscriberStore } from '../telegram/types.js';
import { SUBSCRIPTION_PERIOD_S, parsePayload, type PaymentBot } from './invoices.js';
import type { PaymentSettings } from './payment-settings.js';
import { PAYMENT_TEXTS } from './texts.js';
import type { PaymentFilter, PaymentRecord, PaymentStore, ProductRecord, ProductStore } from './types.js';
import {
  kopecksOf,
  parseLabel,
  requireYoomoneyFields,
  yoomoneySignatureValid,
  type YoomoneyFields,
} from './yoomoney.js';

export interface PaymentsServiceDeps {
  payments: PaymentStore;
  products: ProductStore;
  settings: PaymentSettings;
  events: TelegramEventStore;
  subscribers: Pick<TelegramSubscriberStore, 'list'>;
  /** Telegram's refundStarPayment for the bot (throws when Telegram refuses or cannot be reached). */
  refundStars: (botId: string, userId: number, chargeId: string) => Promise<void>;
  /** A new payment (called once per payment): the owner is told. */
  announce: (payment: PaymentRecord) => void;
  clock: () => number;
}

const nameOf = (from: TelegramUser) => (from.username ? `@${from.username}` : (from.name ?? null));

/** The record of payments: Telegram's (Stars, card) and YooMoney's, each charge once; refunds; totals. */
export function createPaymentsService(deps: PaymentsServiceDeps) {
  const { payments, products } = deps;

  /** Who paid, for the analytics event (their segment and source). */
  async function subscriberOf(botId: string, chatId: number | null) {
    if (chatId === null) return undefined;
    return (await deps.subscribers.list(botId)).find((s) => s.chatId === chatId);
  }

  /** The `paid` event (once per charge, whatever happens twice) and, for a new payment, the owner's notice. */
  async function afterPaid(payment: PaymentRecord, created: boolean): Promise<void> {
    if (payment.chatId !== null) {
      const subscriber = await subscriberOf(payment.botId, payment.chatId);
      await deps.events.record({
        botId: payment.botId,
        chatId: payment.chatId,
        type: 'paid',
        step: subscriber?.funnelStep ?? null,
        segment: subscriber?.segment ?? null,
        source: subscriber?.source ?? null,
        variant: null,
        data: {
          productId: payment.productId,
          amount: payment.amount,
          currency: payment.currency,
          method: payment.method,
        },
        dedupeKey: `paid:${payment.chargeId}`,
        at: payment.paidAt,
      });
    }
    if (created) deps.announce(payment);
  }

  async function productOf(botId: string, productId: string | undefined): Promise<ProductRecord | null> {
    if (productId === undefined) return null;
    const product = await products.findById(productId);
    return product?.botId === botId ? product : null;
  }

  /** A `successful_payment`: stored once per `telegram_payment_charge_id`; the thanks the user gets. */
  async function paidInTelegram(bot: PaymentBot, ask: PaymentPaidAsk): Promise<PaymentAnswerBody> {
    const now = deps.clock();
    const product = await productOf(bot.id, parsePayload(ask.payload)?.productId);
    const subscription = ask.subscriptionExpiresAt !== undefined || product?.subscription === true;
    const expires = ask.subscriptionExpiresAt ? ask.subscriptionExpiresAt * 1000 : now + SUBSCRIPTION_PERIOD_S * 1000;
    const { payment, created } = await payments.claim({
      id: newId(),
      botId: bot.id,
      method: ask.currency === 'XTR' ? 'stars' : 'card',
      chargeId: ask.telegramChargeId,
      providerChargeId: ask.providerChargeId || null,
      productId: product?.id ?? null,
      productTitle: product?.title ?? ask.payload.slice(0, 100),
      chatId: ask.chatId,
      userId: ask.from.id,
      userName: nameOf(ask.from),
      amount: ask.totalAmount,
      currency: ask.currency,
      status: 'paid',
      subscriptionExpiresAt: subscription ? expires : null,
      paidAt: now,
      refundedAt: null,
      refundedBy: null,
    });
    await afterPaid(payment, created);
    return {
      kind: 'paid',
      text: PAYMENT_TEXTS[bot.language].thanks(payment.productTitle, payment.subscriptionExpiresAt),
    };
  }

  async function yoomoneyRecord(botId: string, fields: YoomoneyFields): Promise<PaymentRecord> {
    const label = parseLabel(fields.label ?? '');
    const product = await productOf(botId, label?.productId);
    const paid = fields.withdraw_amount
      ? kopecksOf(fields.withdraw_amount, 'withdraw_amount')
      : kopecksOf(fields.amount!, 'amount');
    kopecksOf(fields.amount!, 'amount');
    const subscriber = await subscriberOf(botId, label?.chatId ?? null);
    const now = deps.clock();
    return {
      id: newId(),
      botId,
      method: 'yoomoney',
      chargeId: fields.operation_id!,
      providerChargeId: null,
      productId: product?.id ?? null,
      productTitle: product?.title ?? `YooMoney ${fields.label || fields.operation_id}`.slice(0, 100),
      chatId: label?.chatId ?? null,
      userId: subscriber?.userId ?? null,
      userName: subscriber?.userName ?? null,
      amount: paid,
      currency: 'RUB',
      status: product && paid < product.price ? 'underpaid' : 'paid',
      subscriptionExpiresAt: null,
      paidAt: now,
      refundedAt: null,
      refundedBy: null,
    };
  }

  /**
   * A YooMoney HTTP notification: refused without a secret (PaymentNotConfiguredError), with missing fields
   * (ValidationError) or a wrong `sha1_hash` (PaymentSignatureError); else stored once per `operation_id`.
   */
  async function yoomoneyNotification(
    botId: string,
    fields: YoomoneyFields,
  ): Promise<{ created: boolean; payment: PaymentRecord | null }> {
    const secret = await deps.settings.yoomoneySecret(botId);
    if (secret === null)
      throw new PaymentNotConfiguredError(
        'No YooMoney notification secret is set for this bot: notifications are refused',
      );
    requireYoomoneyFields(fields);
    if (!yoomoneySignatureValid(fields, secret)) throw new PaymentSignatureError();
    if (fields.unaccepted === 'true') return { created: false, payment: null }; // on hold: not in the wallet yet
    const { payment, created } = await payments.claim(await yoomoneyRecord(botId, fields));
    await afterPaid(payment, created);
    return { created, payment };
  }

  async function get(id: string): Promise<PaymentRecord> {
    const payment = await payments.findById(id);
    if (!payment) throw new NotFoundError('Payment');
    return payment;
  }

  /** Refunds a Stars payment through Telegram; marked first, so two admins pressing at once refund it once. */
  async function refund(id: string, by: string): Promise<PaymentRecord> {
    const payment = await get(id);
    if (payment.method !== 'stars' || payment.userId === null)
      throw new PaymentNotRefundableError(
        'Only Stars payments are refunded here; refund card and YooMoney payments with the provider',
      );
    if (!(await payments.markRefunded(id, deps.clock(), by)))
      throw new PaymentNotRefundableError('This payment is refunded already');
    try {
      await deps.refundStars(payment.botId, payment.userId, payment.chargeId);
    } catch (error) {
      await payments.unmarkRefunded(id);
      throw error;
    }
    const refunded = await get(id);
    await deps.events.record({
      ...{ botId: payment.botId, chatId: payment.chatId ?? payment.userId, type: 'refunded', step: null },
      ...{ segment: null, source: null, variant: null, data: { paymentId: id, amount: payment.amount } },
      ...{ dedupeKey: `refunded:${payment.chargeId}`, at: refunded.refundedAt ?? deps.clock() },
    });
    return refunded;
  }

  return {
    paidInTelegram,
    yoomoneyNotification,
    refund,
    get,
    list: (filter: PaymentFilter) => payments.list(filter, 1000),
  };
}

export type PaymentsService = ReturnType<typeof createPaymentsService>;
