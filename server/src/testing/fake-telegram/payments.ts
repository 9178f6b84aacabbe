import { randomBytes } from 'node:crypto';
import type { Message, Update } from 'grammy/types';
import { type BotState, userFrom } from './bot-state.js';
import { botMessage } from './messages.js';
import type { MethodContext } from './methods.js';
import {
  optionalInt,
  optionalObject,
  optionalString,
  requireChatId,
  requireInt,
  requireString,
  type Params,
} from './params.js';
import { badRequest } from './wire.js';
import type { UserMessageSpec } from './types.js';

/** Telegram's only subscription period (30 days). */
const SUBSCRIPTION_PERIOD_S = 2_592_000;
/** How long Telegram waits for answerPreCheckoutQuery before the payment fails. */
export const PRE_CHECKOUT_TIMEOUT_MS = 10_000;

/** An invoice a bot issued: a message in a chat (sendInvoice) or a link (createInvoiceLink). */
export interface FakeInvoice {
  title: string;
  description: string;
  payload: string;
  currency: string;
  totalAmount: number;
  providerToken: string;
  chatId?: number;
  messageId?: number;
  link?: string;
  subscriptionPeriodS?: number;
}

export interface FakeCharge {
  chargeId: string;
  userId: number;
  amount: number;
  currency: string;
  refunded: boolean;
}

export interface UserPaySpec {
  chatId: number;
  from?: UserMessageSpec['from'];
  /** The invoice message's id, or a link from createInvoiceLink; default: the chat's last invoice message. */
  messageId?: number;
  link?: string;
  /** Default Telegram's 10 s. */
  timeoutMs?: number;
}

export type PayOutcome =
  | { ok: true; chargeId: string; update: Update }
  | { ok: false; reason: 'refused'; errorMessage: string }
  | { ok: false; reason: 'timeout' };

interface PaymentState {
  invoices: FakeInvoice[];
  charges: Map<string, FakeCharge>;
  checks: Map<string, (answer: { ok: boolean; errorMessage?: string }) => void>;
}

const states = new WeakMap<BotState, PaymentState>();
/** Provider tokens the fake accepts for non-Stars invoices (like @BotFather's payment providers). */
const providerTokens = new Set<string>();

export function paymentsOf(bot: BotState): PaymentState {
  let state = states.get(bot);
  if (!state) {
    state = { invoices: [], charges: new Map(), checks: new Map() };
    states.set(bot, state);
  }
  return state;
}

export const acceptProviderToken = (token: string) => void providerTokens.add(token);

function lengthBetween(params: Params, name: string, min: number, max: number): string {
  const value = optionalString(params, name) ?? '';
  const bytes = Buffer.byteLength(value);
  if (bytes < min || bytes > max) throw badRequest(`${name.toUpperCase()}_INVALID`);
  return value;
}

/** What sendInvoice and createInvoiceLink share: Stars take no provider token and exactly one price. */
function invoiceOf(params: Params): FakeInvoice {
  const title = lengthBetween(params, 'title', 1, 32);
  const description = lengthBetween(params, 'description', 1, 255);
  const payload = lengthBetween(params, 'payload', 1, 128);
  const currency = requireString(params, 'currency', 'CURRENCY_INVALID');
  const prices = optionalObject(params, 'prices') as Array<{ label?: string; amount?: number }> | undefined;
  if (!Array.isArray(prices) || prices.length === 0) throw badRequest('parameter "prices" is required');
  if (prices.some((p) => !p.label || !Number.isInteger(p.amount) || p.amount! <= 0))
    throw badRequest('CURRENCY_TOTAL_AMOUNT_INVALID');
  const providerToken = optionalString(params, 'provider_token') ?? '';
  if (currency === 'XTR') {
    if (providerToken !== '')
      throw badRequest('PROVIDER_TOKEN_INVALID: payments in Telegram Stars take no provider token');
    if (prices.length !== 1)
      throw badRequest('INVOICE_PRICES_INVALID: payments in Telegram Stars take exactly one price');
  } else if (!providerTokens.has(providerToken)) throw badRequest('PAYMENT_PROVIDER_INVALID');
  const totalAmount = prices.reduce((sum, p) => sum + p.amount!, 0);
  return { title, description, payload, currency, totalAmount, providerToken };
}

function sendInvoice(ctx: MethodContext): Message {
  requireChatId(ctx.params);
  if (optionalInt(ctx.params, 'subscription_period') !== undefined) throw badRequest('SUBSCRIPTION_PERIOD_INVALID');
  const invoice = invoiceOf(ctx.params);
  const content = {
    invoice: {
      title: invoice.title,
      description: invoice.description,
      start_parameter: optionalString(ctx.params, 'start_parameter') ?? '',
      currency: invoice.currency,
      total_amount: invoice.totalAmount,
    },
  };
  const message = botMessage(ctx.bot, ctx.params, content);
  paymentsOf(ctx.bot).invoices.push({ ...invoice, chatId: message.chat.id, messageId: message.message_id });
  return message;
}

function createInvoiceLink(ctx: MethodContext): string {
  const invoice = invoiceOf(ctx.params);
  const period = optionalInt(ctx.params, 'subscription_period');
  if (period !== undefined && (period !== SUBSCRIPTION_PERIOD_S || invoice.currency !== 'XTR'))
    throw badRequest('SUBSCRIPTION_PERIOD_INVALID');
  const link = `https://t.me/$${randomBytes(12).toString('base64url')}`;
  paymentsOf(ctx.bot).invoices.push({ ...invoice, link, ...(period ? { subscriptionPeriodS: period } : {}) });
  return link;
}

function answerPreCheckoutQuery(ctx: MethodContext): true {
  const id = requireString(ctx.params, 'pre_checkout_query_id', 'QUERY_ID_INVALID');
  const ok = ctx.params.ok === true || ctx.params.ok === 'true';
  const errorMessage = optionalString(ctx.params, 'error_message');
  if (!ok && !errorMessage) throw badRequest('error_message is required when ok is false');
  const waiting = paymentsOf(ctx.bot).checks.get(id);
  if (!waiting) throw badRequest('QUERY_ID_INVALID: query is too old or the query ID is invalid');
  waiting({ ok, ...(errorMessage ? { errorMessage } : {}) });
  return true;
}

function refundStarPayment(ctx: MethodContext): true {
  const userId = requireInt(ctx.params, 'user_id', 'USER_ID_INVALID');
  const chargeId = requireString(ctx.params, 'telegram_payment_charge_id', 'CHARGE_ID_EMPTY');
  const charge = paymentsOf(ctx.bot).charges.get(chargeId);
  if (!charge || charge.userId !== userId || charge.currency !== 'XTR') throw badRequest('CHARGE_NOT_FOUND');
  if (charge.refunded) throw badRequest('CHARGE_ALREADY_REFUNDED');
  charge.refunded = true;
  return true;
}

export const PAYMENT_METHODS = { sendInvoice, createInvoiceLink, answerPreCheckoutQuery, refundStarPayment };

function findInvoice(bot: BotState, spec: UserPaySpec): FakeInvoice {
  const { invoices } = paymentsOf(bot);
  const found = spec.link
    ? invoices.find((i) => i.link === spec.link)
    : invoices.findLast(
        (i) => i.chatId === spec.chatId && (spec.messageId === undefined || i.messageId === spec.messageId),
      );
  if (!found) throw new Error(`FakeTelegram: no invoice to pay in chat ${spec.chatId}`);
  return found;
}

function waitForCheck(state: PaymentState, id: string, timeoutMs: number) {
  return new Promise<{ ok: boolean; errorMessage?: string } | null>((resolve) => {
    const timer = setTimeout(() => finish(null), timeoutMs);
    const finish = (answer: { ok: boolean; errorMessage?: string } | null) => {
      clearTimeout(timer);
      state.checks.delete(id);
      resolve(answer);
    };
    state.checks.set(id, finish);
  });
}

function paidMessage(
  bot: BotState,
  spec: UserPaySpec,
  invoice: FakeInvoice,
  chargeId: string,
): Record<string, unknown> {
  const from = userFrom(spec.from, spec.chatId);
  const chat = bot.chat(spec.chatId, 'private', from).chat;
  const payment: Record<string, unknown> = {
    currency: invoice.currency,
    total_amount: invoice.totalAmount,
    invoice_payload: invoice.payload,
    telegram_payment_charge_id: chargeId,
    provider_payment_charge_id: invoice.currency === 'XTR' ? '' : `prov_${randomBytes(6).toString('hex')}`,
  };
  if (invoice.subscriptionPeriodS) {
    payment.subscription_expiration_date = Math.floor(Date.now() / 1000) + invoice.subscriptionPeriodS;
    payment.is_recurring = true;
    payment.is_first_recurring = true;
  }
  const message = { message_id: bot.nextMessageId(spec.chatId), from, chat, date: Math.floor(Date.now() / 1000) };
  const full = { ...message, successful_payment: payment } as unknown as Message;
  bot.store(full, false);
  return { message: full };
}

/**
 * The user pays an invoice as Telegram runs it: a `pre_checkout_query` goes to the bot, Telegram waits (10 s) for
 * answerPreCheckoutQuery, and only on `ok: true` the `successful_payment` message follows.
 */
export async function payInvoice(bot: BotState, spec: UserPaySpec): Promise<PayOutcome> {
  const invoice = findInvoice(bot, spec);
  const state = paymentsOf(bot);
  const id = randomBytes(8).readBigUInt64BE().toString();
  const answered = waitForCheck(state, id, spec.timeoutMs ?? PRE_CHECKOUT_TIMEOUT_MS);
  const from = userFrom(spec.from, spec.chatId);
  bot.push({
    pre_checkout_query: {
      ...{ id, from, currency: invoice.currency, total_amount: invoice.totalAmount },
      invoice_payload: invoice.payload,
    },
  });
  const answer = await answered;
  if (answer === null) return { ok: false, reason: 'timeout' };
  if (!answer.ok) return { ok: false, reason: 'refused', errorMessage: answer.errorMessage ?? '' };
  const chargeId = `stxC${randomBytes(12).toString('hex')}`;
  state.charges.set(chargeId, {
    chargeId,
    userId: from.id,
    amount: invoice.totalAmount,
    currency: invoice.currency,
    refunded: false,
  });
  return { ok: true, chargeId, update: bot.push(paidMessage(bot, spec, invoice, chargeId)) };
}
