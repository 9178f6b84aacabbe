export interface TelegramTexts {
  notAllowed: string;
  slowDown(seconds: number): string;
  llmDown: string;
  limitReached: string;
  voiceUnreadable: string;
  voiceTooLong(seconds: number): string;
  voiceUnavailable: string;
  empty: string;
}

/** What the orchestrator itself says to Telegram users (the model writes everything else), ru and en. */
export const TELEGRAM_TEXTS: Record<'en' | 'ru', TelegramTexts> = {
  en: {
    notAllowed: 'Sorry, this bot only answers the people it was set up for.',
    slowDown: (seconds: number) => `You are writing faster than I can answer; please try again in ${seconds} s.`,
    llmDown:
      'Sorry, I cannot answer right now. Please try again in a few minutes, or leave your name and phone number and we will call you back.',
    limitReached: 'Sorry, I have answered as many messages as I may today. Please try again tomorrow.',
    voiceUnreadable: 'Sorry, I could not make out that voice message. Could you say it again, or type it?',
    voiceTooLong: (seconds: number) =>
      `That voice message is too long for me (I take up to ${seconds} s). Could you send a shorter one, or type it?`,
    voiceUnavailable: 'Sorry, I cannot listen to voice messages right now. Could you type it instead?',
    empty: 'Sorry, I have nothing to say to that. Could you put it another way?',
  },
  ru: {
    notAllowed: 'Извините, этот бот отвечает только тем, для кого он настроен.',
    slowDown: (seconds: number) => `Вы пишете быстрее, чем я успеваю отвечать; попробуйте снова через ${seconds} с.`,
    llmDown:
      'Извините, сейчас я не могу ответить. Попробуйте через несколько минут или оставьте имя и телефон — мы перезвоним.',
    limitReached: 'Извините, на сегодня я ответил на все сообщения, что мог. Попробуйте завтра.',
    voiceUnreadable: 'Извините, я не разобрал голосовое сообщение. Повторите, пожалуйста, или напишите текстом.',
    voiceTooLong: (seconds: number) =>
      `Голосовое сообщение слишком длинное (я принимаю до ${seconds} с). Пришлите покороче или напишите текстом.`,
    voiceUnavailable: 'Извините, сейчас я не могу слушать голосовые сообщения. Напишите, пожалуйста, текстом.',
    empty: 'Извините, мне нечего ответить. Сформулируйте, пожалуйста, иначе.',
  },
};
