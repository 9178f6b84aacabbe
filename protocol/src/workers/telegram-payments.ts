import { Type, type Static } from 'typebox';
import { StrictObject } from '../common.js';
import { TelegramUser } from './telegram.js';

/**
 * Payments on the bot link. The bot process talks to Telegram; the orchestrator owns the products and the record
 * of payments, so each payment step is a question the bot asks (`payment.*` with an `askId`) and waits for its
 * `payment.answer`: which invoice to send for a `pay:<productId>` button, whether a `pre_checkout_query` may go
 * on (the product still exists at that price), and a `successful_payment` stored (the update is finished only
 * after that answer, so a payment is never confirmed to Telegram before it is recorded).
 */

const AskId = Type.String({ minLength: 1, maxLength: 64 });
const ChatId = Type.Integer();
/** Telegram's invoice payload: 1–128 bytes. */
const InvoicePayload = Type.String({ minLength: 1, maxLength: 128 });
const Currency = Type.String({ pattern: '^[A-Z]{3}$' });

/** bot → orchestrator: someone pressed `pay:<productId>`; which invoice (or link) to send them. */
export const PaymentInvoiceAsk = StrictObject({
  type: Type.Literal('payment.invoice'),
  askId: AskId,
  chatId: ChatId,
  from: TelegramUser,
  productId: Type.String({ minLength: 1, maxLength: 64 }),
});
export type PaymentInvoiceAsk = Static<typeof PaymentInvoiceAsk>;

/** bot → orchestrator: a `pre_checkout_query` (answered within 10 s, whatever the orchestrator says). */
export const PaymentCheckAsk = StrictObject({
  type: Type.Literal('payment.check'),
  askId: AskId,
  from: TelegramUser,
  payload: InvoicePayload,
  currency: Currency,
  totalAmount: Type.Integer({ minimum: 0 }),
});
export type PaymentCheckAsk = Static<typeof PaymentCheckAsk>;

/** bot → orchestrator: a `successful_payment` message (recorded once per `telegramChargeId`). */
export const PaymentPaidAsk = StrictObject({
  type: Type.Literal('payment.paid'),
  askId: AskId,
  chatId: ChatId,
  from: TelegramUser,
  payload: InvoicePayload,
  currency: Currency,
  totalAmount: Type.Integer({ minimum: 0 }),
  telegramChargeId: Type.String({ minLength: 1, maxLength: 255 }),
  providerChargeId: Type.String({ maxLength: 255 }),
  /** Epoch seconds, for a subscription's payment. */
  subscriptionExpiresAt: Type.Optional(Type.Integer({ minimum: 0 })),
  isRecurring: Type.Optional(Type.Boolean()),
});
export type PaymentPaidAsk = Static<typeof PaymentPaidAsk>;

/** bot → orchestrator: the invoice (or payment link) for a product reached the chat. */
export const PaymentInvoiceSentMessage = StrictObject({
  type: Type.Literal('payment.invoice.sent'),
  chatId: ChatId,
  productId: Type.String({ minLength: 1, maxLength: 64 }),
  method: Type.Union([Type.Literal('invoice'), Type.Literal('invoice-link'), Type.Literal('yoomoney')]),
});
export type PaymentInvoiceSentMessage = Static<typeof PaymentInvoiceSentMessage>;

export const TelegramPaymentBotMessage = Type.Union([
  PaymentInvoiceAsk,
  PaymentCheckAsk,
  PaymentPaidAsk,
  PaymentInvoiceSentMessage,
]);
export type TelegramPaymentBotMessage = Static<typeof TelegramPaymentBotMessage>;

/** What to send for a product: a Telegram invoice (Stars or a provider's card payment). */
export const InvoiceAnswer = StrictObject({
  kind: Type.Literal('invoice'),
  title: Type.String({ minLength: 1, maxLength: 32 }),
  description: Type.String({ minLength: 1, maxLength: 255 }),
  payload: InvoicePayload,
  currency: Currency,
  /** In the currency's smallest unit: Stars, kopecks. */
  amount: Type.Integer({ minimum: 1 }),
  /** '' for Stars. */
  providerToken: Type.String({ maxLength: 500 }),
  /** A 30-day Stars subscription: sent as a link (createInvoiceLink with subscription_period) under a button. */
  subscriptionPeriodS: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
  buttonLabel: Type.String({ minLength: 1, maxLength: 64 }),
  text: Type.String({ maxLength: 4000 }),
});
export type InvoiceAnswer = Static<typeof InvoiceAnswer>;

export const PaymentAnswerBody = Type.Union([
  InvoiceAnswer,
  /** A payment page outside Telegram (a YooMoney quickpay link) under a button. */
  StrictObject({
    kind: Type.Literal('link'),
    text: Type.String({ minLength: 1, maxLength: 4000 }),
    buttonLabel: Type.String({ minLength: 1, maxLength: 64 }),
    url: Type.String({ pattern: '^https://', maxLength: 2000 }),
  }),
  /** Nothing to pay (the product is gone, payments are not set up): say so. */
  StrictObject({ kind: Type.Literal('text'), text: Type.String({ minLength: 1, maxLength: 4000 }) }),
  /** A pre-checkout's verdict: `errorMessage` shown to the user when not ok. */
  StrictObject({
    kind: Type.Literal('check'),
    ok: Type.Boolean(),
    errorMessage: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  }),
  /** The payment is stored (now or before): thank the user with `text`. */
  StrictObject({ kind: Type.Literal('paid'), text: Type.String({ minLength: 1, maxLength: 4000 }) }),
  /** The orchestrator could not answer (its database failed): the bot tries the update again. */
  StrictObject({ kind: Type.Literal('failed') }),
]);
export type PaymentAnswerBody = Static<typeof PaymentAnswerBody>;

/** orchestrator → bot: the answer to one `payment.*` question. */
export const PaymentAnswerMessage = StrictObject({
  type: Type.Literal('payment.answer'),
  askId: AskId,
  answer: PaymentAnswerBody,
});
export type PaymentAnswerMessage = Static<typeof PaymentAnswerMessage>;

export const TelegramPaymentOrchestratorMessage = PaymentAnswerMessage;
export type TelegramPaymentOrchestratorMessage = PaymentAnswerMessage;
