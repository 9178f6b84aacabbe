import type { OwnerCommand } from './types.js';

/** What owners read: confirmations, results and refusals (the model's own words are its business). */
export interface OwnerTexts {
  confirm: string;
  cancel: string;
  summary(command: OwnerCommand): string;
  executed(summary: string, result: string): string;
  failed(summary: string, reason: string): string;
  cancelled(summary: string): string;
  expired(summary: string): string;
  alreadyDone(status: string): string;
  notYours: string;
  unknown: string;
}

const quote = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}…` : text);

export const OWNER_TEXTS: Record<'en' | 'ru', OwnerTexts> = {
  en: {
    confirm: 'Confirm',
    cancel: 'Cancel',
    summary: (c) => {
      switch (c.kind) {
        case 'send_sms':
          return `Send an SMS to ${c.to}: "${quote(c.text)}"`;
        case 'mark_message_handled':
          return `Mark the message from ${c.from || c.messageId} as handled`;
        case 'set_greeting':
          return `Set the greeting to: "${quote(c.greeting)}"`;
      }
    },
    executed: (s, r) => `✅ ${s} — ${r}`,
    failed: (s, r) => `❌ ${s} — failed: ${r}`,
    cancelled: (s) => `✖️ ${s} — cancelled`,
    expired: (s) => `⌛ ${s} — expired, not done (ask again)`,
    alreadyDone: (status) => `This command is already ${status}.`,
    notYours: 'Only the owner who asked for this can confirm it.',
    unknown: 'This command is unknown (it may have been removed).',
  },
  ru: {
    confirm: 'Подтвердить',
    cancel: 'Отменить',
    summary: (c) => {
      switch (c.kind) {
        case 'send_sms':
          return `Отправить SMS на ${c.to}: «${quote(c.text)}»`;
        case 'mark_message_handled':
          return `Отметить сообщение от ${c.from || c.messageId} как обработанное`;
        case 'set_greeting':
          return `Изменить приветствие на: «${quote(c.greeting)}»`;
      }
    },
    executed: (s, r) => `✅ ${s} — ${r}`,
    failed: (s, r) => `❌ ${s} — не выполнено: ${r}`,
    cancelled: (s) => `✖️ ${s} — отменено`,
    expired: (s) => `⌛ ${s} — время вышло, не выполнено (попросите ещё раз)`,
    alreadyDone: (status) => `Эта команда уже в состоянии «${status}».`,
    notYours: 'Подтвердить может только владелец, который об этом попросил.',
    unknown: 'Такой команды нет (возможно, её удалили).',
  },
};
