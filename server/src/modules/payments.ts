import type { PaymentInvoiceSentMessage } from '@ai-secretary/protocol';
import { createPaymentsBotApi } from '../channels/telegram/payments-api.js';
import type { PaymentAsk, TelegramPaymentsHandler } from '../channels/telegram/payments-link.js';
import { createInvoices, type Invoices } from '../core/payments/invoices.js';
import { createPaymentSettings } from '../core/payments/payment-settings.js';
import { createPaymentsService, type PaymentsService } from '../core/payments/payments-service.js';
import { createProductsService, type ProductsService } from '../core/payments/products-service.js';
import { formatMoney } from '../core/payments/texts.js';
import type { PaymentRecord } from '../core/payments/types.js';
import type { Outbox } from '../core/notifications/outbox.js';
import type { TelegramBotsService } from '../core/telegram/bots-service.js';
import type { TelegramBotRecord, TelegramEventStore } from '../core/telegram/types.js';
import { telegramPaymentRoutes } from '../routes/admin/telegram-payments/index.js';
import { yoomoneyRoutes } from '../routes/admin/telegram-payments/yoomoney-route.js';
import type { Started } from './index.js';
import type { Module, ModuleDefinition } from './module.js';

export interface PaymentsModule extends Module {
  products: ProductsService;
  payments: PaymentsService;
}

const METHOD_NAMES = { stars: 'Telegram Stars', card: 'card', yoomoney: 'YooMoney' } as const;

/** The owner's notice of a payment (through the notification targets that chose `payment.received`). */
function announcer(outbox: Outbox, bots: TelegramBotsService) {
  return (payment: PaymentRecord) =>
    void (async () => {
      const bot = await bots.get(payment.botId).catch(() => null);
      await outbox.enqueue({
        event: 'payment.received',
        product: payment.productTitle,
        amount: formatMoney(payment.amount, payment.currency),
        method: METHOD_NAMES[payment.method],
        payer: payment.userName,
        bot: bot ? `@${bot.username}` : payment.botId,
      });
    })();
}

/** Answers the bot processes' payment questions with the invoices and the payment record. */
function linkHandler(
  invoices: Invoices,
  payments: PaymentsService,
  events: TelegramEventStore,
  clock: () => number,
): TelegramPaymentsHandler {
  const botOf = (bot: TelegramBotRecord) => ({ id: bot.id, language: bot.settings.language });
  return {
    ask(bot: TelegramBotRecord, message: PaymentAsk) {
      switch (message.type) {
        case 'payment.invoice':
          return invoices.invoiceFor(botOf(bot), message.chatId, message.productId);
        case 'payment.check':
          return invoices.check(botOf(bot), message);
        case 'payment.paid':
          return payments.paidInTelegram(botOf(bot), message);
      }
    },
    async invoiceSent(bot: TelegramBotRecord, message: PaymentInvoiceSentMessage) {
      const { chatId, productId, method } = message;
      await events.record({
        ...{ botId: bot.id, chatId, type: 'invoice.sent', step: null, segment: null, source: null, variant: null },
        ...{ data: { productId, method }, dedupeKey: null, at: clock() },
      });
    },
  };
}

/**
 * Payments of the Telegram sales bots: products, Stars and card invoices (through the bot processes), YooMoney
 * wallet notifications, refunds, the owner told of each payment; `/api/telegram/bots/:id/products`,
 * `/api/telegram/payments`, `POST /api/payments/yoomoney/:id`. After `telegram` and `notifications`.
 */
export const paymentsModule: ModuleDefinition<Started, 'payments'> = {
  name: 'payments',
  enabled: (config) => config.telegram.enabled,
  async start({ config, logger, clock, get }) {
    const { stores } = get('database');
    const { secrets, audit } = get('accounts').services;
    const { bots, channel } = get('telegram');
    const botExists = async (id: string) => void (await bots.get(id));
    const settings = createPaymentSettings({ store: stores.payments.settings, secrets, clock });
    const products = createProductsService({ store: stores.payments.products, botExists, clock });
    const botApi = createPaymentsBotApi({
      apiRoot: config.telegram.apiRoot,
      tokenOf: async (botId) => bots.token(await bots.get(botId)),
    });
    const payments = createPaymentsService({
      ...{ payments: stores.payments.payments, products: stores.payments.products, settings },
      ...{ events: stores.telegram.events, subscribers: stores.telegram.subscribers, clock },
      refundStars: botApi.refundStars,
      announce: announcer(get('notifications').outbox, bots),
    });
    const invoices = createInvoices({ products: stores.payments.products, settings });
    channel.usePayments(linkHandler(invoices, payments, stores.telegram.events, clock));
    const log = logger.child({ component: 'payments' });
    return {
      ...{ name: 'payments', products, payments },
      routes: {
        api: [
          { prefix: '/telegram', plugin: telegramPaymentRoutes({ products, settings, payments, botExists }) },
          { prefix: '/payments', plugin: yoomoneyRoutes({ payments, audit, logger: log }) },
        ],
      },
    };
  },
};
