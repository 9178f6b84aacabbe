import type { PaymentAnswerBody, PaymentCheckAsk } from '@ai-secretary/protocol';
import type { PaymentSettings } from './payment-settings.js';
import { PAYMENT_TEXTS, formatMoney, type PaymentTexts } from './texts.js';
import type { ProductRecord, ProductStore } from './types.js';
import { formatLabel, quickpayUrl } from './yoomoney.js';

/** Telegram's only subscription period (30 days), in seconds. */
export const SUBSCRIPTION_PERIOD_S = 2_592_000;

/** The bot a payment step happens in (its language picks the texts). */
export interface PaymentBot {
  id: string;
  language: 'ru' | 'en';
}

/** An invoice's payload: the product and the price it was issued at (`<productId>:<price>`). */
export const invoicePayload = (product: ProductRecord) => `${product.id}:${product.price}`;

export function parsePayload(payload: string): { productId: string; price: number } | null {
  const match = /^([A-Za-z0-9-]{1,40}):(\d{1,12})$/.exec(payload);
  return match ? { productId: match[1]!, price: Number(match[2]) } : null;
}

export interface InvoicesDeps {
  products: ProductStore;
  settings: PaymentSettings;
}

/** What the bot sends for a `pay:<productId>` press, and the pre-checkout verdict. */
export function createInvoices(deps: InvoicesDeps) {
  async function sellable(bot: PaymentBot, productId: string): Promise<ProductRecord | null> {
    const product = await deps.products.findById(productId);
    return product && product.botId === bot.id && product.active ? product : null;
  }

  function telegramInvoice(product: ProductRecord, providerToken: string, t: PaymentTexts): PaymentAnswerBody {
    const price = formatMoney(product.price, product.currency);
    return {
      kind: 'invoice',
      title: product.title,
      description: product.description,
      payload: invoicePayload(product),
      currency: product.currency,
      amount: product.price,
      providerToken,
      subscriptionPeriodS: product.subscription ? SUBSCRIPTION_PERIOD_S : null,
      buttonLabel: product.subscription ? t.subscribe(price) : t.pay(price),
      text: t.invoiceText(product.title, price),
    };
  }

  /** RUB: a card invoice through the provider token, else a YooMoney quickpay link, else "not set up". */
  async function roubles(bot: PaymentBot, product: ProductRecord, chatId: number, t: PaymentTexts) {
    const token = await deps.settings.providerToken(bot.id);
    if (token) return telegramInvoice(product, token, t);
    const settings = await deps.settings.get(bot.id);
    if (!settings.yoomoneyWallet || !settings.yoomoneySecretSealed) return { kind: 'text' as const, text: t.notSetUp };
    const url = quickpayUrl({
      wallet: settings.yoomoneyWallet,
      amount: product.price,
      label: formatLabel(product.id, chatId),
      title: product.title,
    });
    const price = formatMoney(product.price, product.currency);
    return { kind: 'link' as const, text: t.linkText(product.title, price), buttonLabel: t.pay(price), url };
  }

  async function invoiceFor(bot: PaymentBot, chatId: number, productId: string): Promise<PaymentAnswerBody> {
    const t = PAYMENT_TEXTS[bot.language];
    const product = await sellable(bot, productId);
    if (!product) return { kind: 'text', text: t.gone };
    if (product.currency === 'XTR') return telegramInvoice(product, '', t);
    return roubles(bot, product, chatId, t);
  }

  /** Goes on only if the product still sells at the invoice's price, in its currency. */
  async function check(bot: PaymentBot, ask: PaymentCheckAsk): Promise<PaymentAnswerBody> {
    const t = PAYMENT_TEXTS[bot.language];
    const issued = parsePayload(ask.payload);
    const product = issued ? await sellable(bot, issued.productId) : null;
    if (!issued || !product) return { kind: 'check', ok: false, errorMessage: t.unavailable };
    const same =
      product.currency === ask.currency && product.price === ask.totalAmount && issued.price === product.price;
    return same ? { kind: 'check', ok: true } : { kind: 'check', ok: false, errorMessage: t.priceChanged };
  }

  return { invoiceFor, check };
}

export type Invoices = ReturnType<typeof createInvoices>;
