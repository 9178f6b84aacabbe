import type { FunnelCapture } from '@ai-secretary/protocol';

export type FunnelLanguage = 'ru' | 'en';

export interface FunnelTexts {
  pay: string;
  manager: string;
  managerTaken: string;
  price(price: string): string;
  invalid: Record<FunnelCapture, string>;
}

/** What the funnel says where the definition says nothing (its own buttons, a bad answer), ru and en. */
export const FUNNEL_TEXTS: Record<FunnelLanguage, FunnelTexts> = {
  en: {
    pay: 'Pay',
    manager: 'Talk to a manager',
    managerTaken: 'Thank you! A manager will contact you shortly.',
    price: (price) => `Price: ${price}`,
    invalid: {
      name: 'Please write your name.',
      phone: 'That does not look like a phone number. Please write it with the country code, e.g. +44 20 7946 0958.',
      email: 'That does not look like an e-mail address. Please check it, e.g. name@example.com.',
      text: 'Please write your answer.',
    },
  },
  ru: {
    pay: 'Оплатить',
    manager: 'Связаться с менеджером',
    managerTaken: 'Спасибо! Менеджер скоро свяжется с вами.',
    price: (price) => `Цена: ${price}`,
    invalid: {
      name: 'Напишите, пожалуйста, ваше имя.',
      phone: 'Это не похоже на номер телефона. Напишите его с кодом страны, например +7 912 345-67-89.',
      email: 'Это не похоже на адрес e-mail. Проверьте, пожалуйста, например name@example.com.',
      text: 'Напишите, пожалуйста, ваш ответ.',
    },
  },
};

/** The subscriber's language if the funnel speaks it, else the bot's. */
export function funnelLanguage(userLanguage: string | null | undefined, botLanguage: FunnelLanguage): FunnelLanguage {
  const code = (userLanguage ?? '').slice(0, 2).toLowerCase();
  return code === 'ru' || code === 'en' ? code : botLanguage;
}
