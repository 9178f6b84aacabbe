/** What the orchestrator answers to slash commands, ru and en (the model writes `/ask` and `/summarize`). */
export interface DiscordCommandTexts {
  unknown: (name: string) => string;
  needsManager: string;
  dmOnlyServer: string;
  model: (route: string, allowed: string[]) => string;
  modelSet: (route: string) => string;
  modelRefused: (route: string, allowed: string[]) => string;
  persona: (text: string | null) => string;
  personaSet: string;
  personaReset: string;
  reset: string;
  badOption: (name: string) => string;
  nothingToSummarize: string;
  usage: (requests: number, tokens: number, costUsd: number) => string;
  voice: string;
  joinWhere: string;
  joining: string;
  leaving: string;
  notRunning: string;
  help: string;
}

const list = (routes: string[]) => routes.map((r) => `\`${r}\``).join(', ');

export const DISCORD_COMMAND_TEXTS: Record<'en' | 'ru', DiscordCommandTexts> = {
  en: {
    unknown: (name) => `Sorry, I do not know the command /${name}. Try /help.`,
    needsManager: 'Sorry, only members with the Manage Server permission can change this.',
    dmOnlyServer: 'This command works in a server channel only.',
    model: (route, allowed) => `This channel uses \`${route}\`. Available here: ${list(allowed)}.`,
    modelSet: (route) => `This channel now uses \`${route}\`.`,
    modelRefused: (route, allowed) => `Sorry, \`${route}\` may not be used here. Available: ${list(allowed)}.`,
    persona: (text) => (text ? `This channel's persona: ${text}` : 'This channel uses the default persona.'),
    personaSet: "This channel's persona is set.",
    personaReset: 'This channel uses the default persona again.',
    reset: 'Done: I have forgotten this channel’s conversation.',
    badOption: (name) => `Sorry, the option "${name}" is not valid.`,
    nothingToSummarize: 'There is nothing to summarize in this channel yet.',
    usage: (requests, tokens, cost) =>
      `Today in this server: ${requests} requests, ${tokens} tokens, $${cost.toFixed(4)}.`,
    voice: 'Sorry, voice channels are not available yet.',
    joinWhere: 'Join a voice channel first, then run /join again.',
    joining: 'Joining your voice channel.',
    leaving: 'Leaving the voice channel.',
    notRunning: 'Sorry, I cannot join voice right now. Please try again in a minute.',
    help:
      '/ask — ask a question · /model — the model of this channel · /persona — the persona of this channel · ' +
      '/reset — forget this channel’s conversation · /summarize — summarize recent messages · /usage — today’s usage',
  },
  ru: {
    unknown: (name) => `Извините, команды /${name} я не знаю. Попробуйте /help.`,
    needsManager: 'Извините, это могут менять только участники с правом «Управление сервером».',
    dmOnlyServer: 'Эта команда работает только в канале сервера.',
    model: (route, allowed) => `В этом канале используется \`${route}\`. Доступно: ${list(allowed)}.`,
    modelSet: (route) => `Теперь в этом канале используется \`${route}\`.`,
    modelRefused: (route, allowed) => `Извините, \`${route}\` здесь недоступна. Доступно: ${list(allowed)}.`,
    persona: (text) => (text ? `Персона этого канала: ${text}` : 'В этом канале персона по умолчанию.'),
    personaSet: 'Персона этого канала задана.',
    personaReset: 'В этом канале снова персона по умолчанию.',
    reset: 'Готово: я забыл разговор в этом канале.',
    badOption: (name) => `Извините, параметр «${name}» задан неверно.`,
    nothingToSummarize: 'В этом канале пока нечего пересказывать.',
    usage: (requests, tokens, cost) =>
      `Сегодня на этом сервере: ${requests} запросов, ${tokens} токенов, $${cost.toFixed(4)}.`,
    voice: 'Извините, голосовые каналы пока недоступны.',
    joinWhere: 'Сначала войдите в голосовой канал, затем снова выполните /join.',
    joining: 'Вхожу в ваш голосовой канал.',
    leaving: 'Выхожу из голосового канала.',
    notRunning: 'Извините, сейчас я не могу войти в голосовой канал. Попробуйте через минуту.',
    help:
      '/ask — задать вопрос · /model — модель канала · /persona — персона канала · /reset — забыть разговор · ' +
      '/summarize — пересказать последние сообщения · /usage — расход за сегодня',
  },
};
