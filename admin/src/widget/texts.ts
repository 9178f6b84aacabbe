/** The widget's own words, in the two languages the product speaks. */
export interface WidgetTexts {
  open: string;
  close: string;
  title: string;
  greeting: string;
  placeholder: string;
  send: string;
  typing: string;
  you: string;
  assistant: string;
  unavailableHere: string;
  failed: string;
  llmDown: string;
  closed: string;
  slowDown: (seconds: number) => string;
  tooLong: (max: number) => string;
  leaveMessage: string;
  backToChat: string;
  name: string;
  contact: string;
  messageText: string;
  submit: string;
  sent: string;
  formIncomplete: string;
  voice: string;
  voiceStop: string;
  voiceConnecting: string;
  voiceListening: string;
  voiceThinking: string;
  voiceSpeaking: string;
  voiceFailed: string;
  voiceNoMicrophone: string;
  connectionLost: string;
  retry: string;
}

export const TEXTS: Record<'en' | 'ru', WidgetTexts> = {
  en: {
    open: 'Open chat',
    close: 'Close chat',
    title: 'Chat with us',
    greeting: 'Hello! How can I help you?',
    placeholder: 'Type a message…',
    send: 'Send',
    typing: 'Typing…',
    you: 'You',
    assistant: 'Assistant',
    unavailableHere: 'The chat is not available on this website.',
    failed: 'The message could not be sent. Please try again.',
    llmDown: 'Our assistant cannot answer right now. Leave a message and we will get back to you.',
    closed: 'We are closed right now. Leave a message and we will get back to you.',
    slowDown: (s) => `Too many messages. Please wait ${s} s and try again.`,
    tooLong: (max) => `The message is too long: at most ${max} characters.`,
    leaveMessage: 'Leave a message',
    backToChat: 'Back to the chat',
    name: 'Your name',
    contact: 'Phone or e-mail',
    messageText: 'Message',
    submit: 'Send message',
    sent: 'Thank you! Your message has been passed on.',
    formIncomplete: 'Please fill in your name, a phone or e-mail, and the message.',
    voice: 'Talk by voice',
    voiceStop: 'Stop talking',
    voiceConnecting: 'Connecting…',
    voiceListening: 'Listening… speak now.',
    voiceThinking: 'Thinking…',
    voiceSpeaking: 'Speaking… you can interrupt.',
    voiceFailed: 'The voice chat could not start. Please type instead.',
    voiceNoMicrophone: 'The microphone is not available. Allow it in the browser, or type instead.',
    connectionLost: 'The connection was lost before the reply was complete.',
    retry: 'Try again',
  },
  ru: {
    open: 'Открыть чат',
    close: 'Закрыть чат',
    title: 'Напишите нам',
    greeting: 'Здравствуйте! Чем могу помочь?',
    placeholder: 'Введите сообщение…',
    send: 'Отправить',
    typing: 'Печатает…',
    you: 'Вы',
    assistant: 'Ассистент',
    unavailableHere: 'Чат недоступен на этом сайте.',
    failed: 'Не удалось отправить сообщение. Попробуйте ещё раз.',
    llmDown: 'Ассистент сейчас не может ответить. Оставьте сообщение, и мы с вами свяжемся.',
    closed: 'Сейчас мы не работаем. Оставьте сообщение, и мы с вами свяжемся.',
    slowDown: (s) => `Слишком много сообщений. Подождите ${s} с и попробуйте снова.`,
    tooLong: (max) => `Сообщение слишком длинное: не больше ${max} символов.`,
    leaveMessage: 'Оставить сообщение',
    backToChat: 'Вернуться в чат',
    name: 'Ваше имя',
    contact: 'Телефон или e-mail',
    messageText: 'Сообщение',
    submit: 'Отправить сообщение',
    sent: 'Спасибо! Ваше сообщение передано.',
    formIncomplete: 'Укажите имя, телефон или e-mail и текст сообщения.',
    voice: 'Поговорить голосом',
    voiceStop: 'Закончить разговор',
    voiceConnecting: 'Подключение…',
    voiceListening: 'Слушаю… говорите.',
    voiceThinking: 'Думаю…',
    voiceSpeaking: 'Говорю… можно перебить.',
    voiceFailed: 'Голосовой чат не запустился. Напишите, пожалуйста, текстом.',
    voiceNoMicrophone: 'Микрофон недоступен. Разрешите его в браузере или напишите текстом.',
    connectionLost: 'Связь прервалась, ответ не дошёл до конца.',
    retry: 'Повторить',
  },
};
