/** Everything the secretary says without the LLM. Overridable per business (persona settings). */
export interface VoicePhrases {
  greeting: string;
  stillThere: string;
  goodbye: string;
  timeUp: string;
  /** Played from cache when the speech worker fails mid-call. */
  apology: string;
  /** Played from cache when the speech worker does not come back in time. */
  speechLost: string;
  llmError: string;
  transferring: string;
  scripted: {
    intro: string;
    askName: string;
    askReason: string;
    askNumber: string;
    /** `{name}`, `{reason}`, `{number}` are replaced. */
    confirm: string;
    retry: string;
    stored: string;
    unclear: string;
  };
  /**
   * The scripted dialogue of an OUTGOING call when the LLM is down: say who calls and why, offer a call back
   * (`{business}`, `{task}`, `{number}` are replaced).
   */
  callBack: {
    intro: string;
    /** When the call was placed without a task. */
    introNoTask: string;
    askNumber: string;
    confirm: string;
    stored: string;
  };
}

export const PHRASES_EN: VoicePhrases = {
  greeting: 'Hello, you have reached the secretary. How can I help you?',
  stillThere: 'Are you still there?',
  goodbye: 'Thank you for calling. Goodbye!',
  timeUp: 'I am sorry, we have reached the time limit for this call. Goodbye!',
  apology: 'Sorry, I am having a technical problem. One moment, please.',
  speechLost: 'I am sorry, we are having technical difficulties. Please call again later. Goodbye!',
  llmError: 'Sorry, I did not get that. Could you say it again?',
  transferring: 'Please hold, I am transferring your call.',
  scripted: {
    intro: 'I cannot look that up right now, but I can take a message.',
    askName: 'What is your name?',
    askReason: 'What is your call about?',
    askNumber: 'What number should we call you back on?',
    confirm: 'Let me confirm: {name}, about {reason}, call back on {number}. Is that right?',
    retry: 'Let us start again.',
    stored: 'Thank you, your message has been passed on. Goodbye!',
    unclear: 'Sorry, please say yes or no.',
  },
  callBack: {
    intro:
      'Hello, I am calling on behalf of {business} about {task}. I cannot go into it right now, so someone will call you back. Shall we call you back on this number?',
    introNoTask:
      'Hello, I am calling on behalf of {business}. I cannot go into it right now, so someone will call you back. Shall we call you back on this number?',
    askNumber: 'Which number should we call you back on?',
    confirm: 'So we call you back on {number}. Is that right?',
    stored: 'Thank you, we will call you back soon. Goodbye!',
  },
};

export const PHRASES_RU: VoicePhrases = {
  greeting: 'Здравствуйте, вы позвонили секретарю. Чем могу помочь?',
  stillThere: 'Вы ещё на линии?',
  goodbye: 'Спасибо за звонок. До свидания!',
  timeUp: 'Извините, время звонка истекло. До свидания!',
  apology: 'Извините, техническая неполадка. Одну минуту, пожалуйста.',
  speechLost: 'Извините, у нас технические трудности. Пожалуйста, перезвоните позже. До свидания!',
  llmError: 'Извините, я не расслышала. Повторите, пожалуйста.',
  transferring: 'Подождите, пожалуйста, я переключаю звонок.',
  scripted: {
    intro: 'Сейчас я не могу ответить на вопрос, но могу принять сообщение.',
    askName: 'Как вас зовут?',
    askReason: 'По какому вопросу вы звоните?',
    askNumber: 'По какому номеру вам перезвонить?',
    confirm: 'Проверим: {name}, по вопросу {reason}, перезвонить по номеру {number}. Всё верно?',
    retry: 'Давайте начнём сначала.',
    stored: 'Спасибо, ваше сообщение передано. До свидания!',
    unclear: 'Извините, скажите, пожалуйста, да или нет.',
  },
  callBack: {
    intro:
      'Здравствуйте, я звоню от имени {business} по вопросу: {task}. Сейчас я не могу это обсудить, вам перезвонят. Перезвонить вам на этот номер?',
    introNoTask:
      'Здравствуйте, я звоню от имени {business}. Сейчас я не могу это обсудить, вам перезвонят. Перезвонить вам на этот номер?',
    askNumber: 'На какой номер вам перезвонить?',
    confirm: 'Итак, перезваниваем на номер {number}. Всё верно?',
    stored: 'Спасибо, вам скоро перезвонят. До свидания!',
  },
};

export function phrasesFor(language: string | undefined): VoicePhrases {
  return language?.toLowerCase().startsWith('ru') === true ? PHRASES_RU : PHRASES_EN;
}
