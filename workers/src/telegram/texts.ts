/** What the bot process says by itself (commands, forms, refusals before the orchestrator is asked), ru and en. */
export interface BotTexts {
  greeting: string;
  help: string;
  reset: string;
  stopped: string;
  commands: { start: string; help: string; reset: string; stop: string };
  formName: string;
  formPhone: string;
  formPhoneInvalid: string;
  formNote: string;
  formCancelled: string;
  formThanks: string;
  leaveMessage: string;
  voiceTooLong(seconds: number): string;
  voiceTooBig: string;
  voiceDownloadFailed: string;
  noAnswer: string;
}

export const BOT_TEXTS: Record<'en' | 'ru', BotTexts> = {
  en: {
    greeting: 'Hello! I am the secretary of this business. Ask me anything, or pick a button below.',
    help: 'Write or send a voice message and I will answer. /reset starts our conversation afresh, /stop unsubscribes.',
    reset: 'Done: I have forgotten our conversation.',
    stopped: 'You are unsubscribed; I will not write to you first. Send /start to come back.',
    commands: { start: 'Start', help: 'What I can do', reset: 'Forget our conversation', stop: 'Unsubscribe' },
    formName: 'What is your name?',
    formPhone: 'Which phone number should we call you back on?',
    formPhoneInvalid: 'That does not look like a phone number; please send digits, e.g. +44 20 7946 0000.',
    formNote: 'What is it about? (send "-" to skip)',
    formCancelled: 'Cancelled.',
    formThanks: 'Thank you! Your message is passed on; we will get back to you soon.',
    leaveMessage: 'Leave a message',
    voiceTooLong: (s) => `That voice message is too long for me (I take up to ${s} s). Please send a shorter one.`,
    voiceTooBig: 'That file is too big for me (Telegram lets bots download up to 20 MB).',
    voiceDownloadFailed: 'Sorry, I could not fetch that voice message from Telegram. Please send it again.',
    noAnswer: 'Sorry, I could not answer in time. Please try again.',
  },
  ru: {
    greeting: 'Здравствуйте! Я секретарь компании. Спросите что угодно или выберите кнопку ниже.',
    help: 'Напишите или пришлите голосовое сообщение, и я отвечу. /reset — начать разговор заново, /stop — отписаться.',
    reset: 'Готово: я забыл наш разговор.',
    stopped: 'Вы отписаны; сам я писать не буду. Отправьте /start, чтобы вернуться.',
    commands: { start: 'Начать', help: 'Что я умею', reset: 'Забыть разговор', stop: 'Отписаться' },
    formName: 'Как вас зовут?',
    formPhone: 'По какому номеру вам перезвонить?',
    formPhoneInvalid: 'Это не похоже на номер телефона; пришлите цифры, например +7 912 345-67-89.',
    formNote: 'По какому вопросу? (отправьте «-», чтобы пропустить)',
    formCancelled: 'Отменено.',
    formThanks: 'Спасибо! Ваше сообщение передано, мы скоро свяжемся с вами.',
    leaveMessage: 'Оставить сообщение',
    voiceTooLong: (s) => `Голосовое сообщение слишком длинное (я принимаю до ${s} с). Пришлите покороче.`,
    voiceTooBig: 'Файл слишком большой (Telegram даёт ботам скачивать до 20 МБ).',
    voiceDownloadFailed: 'Извините, не удалось получить голосовое сообщение от Telegram. Пришлите его ещё раз.',
    noAnswer: 'Извините, я не успел ответить. Попробуйте ещё раз.',
  },
};
