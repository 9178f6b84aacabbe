type Language = 'ru' | 'en';

/** Money as people read it: `150 ⭐`, `499.00 ₽`. */
export function formatMoney(amount: number, currency: string): string {
  if (currency === 'XTR') return `${amount} ⭐`;
  if (currency === 'RUB') return `${(amount / 100).toFixed(2)} ₽`;
  return `${(amount / 100).toFixed(2)} ${currency}`;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** What the bot says about payments, in the bot's language. */
export const PAYMENT_TEXTS = {
  ru: {
    gone: 'Этот товар больше не продаётся.',
    notSetUp: 'Оплата пока не настроена. Пожалуйста, свяжитесь с нами.',
    priceChanged: 'Цена изменилась после выставления счёта. Запросите новый счёт.',
    unavailable: 'Этот товар больше не доступен.',
    pay: (price: string) => `Оплатить ${price}`,
    subscribe: (price: string) => `Подписка: ${price} в месяц`,
    linkText: (title: string, price: string) => `${title} — ${price}. Оплата картой через ЮMoney:`,
    invoiceText: (title: string, price: string) => `${title} — ${price}`,
    thanks: (title: string, until: number | null) =>
      until === null
        ? `Спасибо! Оплата «${title}» получена.`
        : `Спасибо! Подписка «${title}» активна до ${day(until)}.`,
  },
  en: {
    gone: 'This product is no longer for sale.',
    notSetUp: 'Payments are not set up yet. Please contact us.',
    priceChanged: 'The price has changed since this invoice was sent. Please ask for a new one.',
    unavailable: 'This product is no longer available.',
    pay: (price: string) => `Pay ${price}`,
    subscribe: (price: string) => `Subscribe: ${price} a month`,
    linkText: (title: string, price: string) => `${title} — ${price}. Pay by card through YooMoney:`,
    invoiceText: (title: string, price: string) => `${title} — ${price}`,
    thanks: (title: string, until: number | null) =>
      until === null
        ? `Thank you! Payment for "${title}" received.`
        : `Thank you! "${title}" is active until ${day(until)}.`,
  },
} satisfies Record<Language, Record<string, unknown>>;

export type PaymentTexts = (typeof PAYMENT_TEXTS)['en'];
