export interface DiscordTexts {
  notAllowed: string;
  llmDown: string;
  limitReached: string;
  empty: string;
}

/** What the orchestrator itself says to Discord users (the model writes everything else), ru and en. */
export const DISCORD_TEXTS: Record<'en' | 'ru', DiscordTexts> = {
  en: {
    notAllowed: 'Sorry, this bot only answers the people it was set up for.',
    llmDown: 'Sorry, I cannot answer right now. Please try again in a few minutes.',
    limitReached: 'Sorry, I have answered as many messages as I may today. Please try again tomorrow.',
    empty: 'Sorry, I have nothing to say to that. Could you put it another way?',
  },
  ru: {
    notAllowed: 'Извините, этот бот отвечает только тем, для кого он настроен.',
    llmDown: 'Извините, сейчас я не могу ответить. Попробуйте через несколько минут.',
    limitReached: 'Извините, на сегодня я ответил на все сообщения, что мог. Попробуйте завтра.',
    empty: 'Извините, мне нечего ответить. Сформулируйте, пожалуйста, иначе.',
  },
};
