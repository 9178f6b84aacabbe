/**
 * Text normalisation for FAQ matching in Russian and English: lower case, ё→е, punctuation and
 * stop words dropped, words cut to a crude stem so "opening"/"open" and "работы"/"работа" meet.
 */

const STOP_WORDS = new Set(
  // English
  (
    'a an the is are am was were be been do does did you your yours we our us i me my it its this that these those ' +
    'to of in on at for from by with about and or but so if can could would will shall should may might please ' +
    'hi hello hey tell what whats which who whom how there here have has had any some just also me' +
    ' ' +
    // Russian
    'а и но или да нет не ни же ли бы то это этот эта эти тот та те в во на по о об от до из за для с со у к ко ' +
    'я мы вы ты он она они оно вас нас вам нам ваш ваша ваше ваши наш наша наше наши мне меня мой моя мое мои ' +
    'как какой какая какое какие что где когда кто чей есть был была было были будет можно пожалуйста скажите ' +
    'подскажите здравствуйте привет ну вот уже еще'
  ).split(/\s+/),
);

const RU_ENDINGS = [
  'иями',
  'ями',
  'ами',
  'ого',
  'его',
  'ому',
  'ему',
  'ыми',
  'ими',
  'ется',
  'ются',
  'ться',
  'тесь',
  'ешь',
  'ете',
  'ает',
  'яет',
  'ают',
  'яют',
  'ая',
  'яя',
  'ое',
  'ее',
  'ие',
  'ые',
  'ой',
  'ей',
  'ий',
  'ый',
  'ом',
  'ем',
  'ам',
  'ям',
  'ах',
  'ях',
  'ую',
  'юю',
  'ть',
  'ет',
  'ют',
  'ут',
  'ит',
  'ят',
  'ат',
  'а',
  'я',
  'о',
  'е',
  'ы',
  'и',
  'у',
  'ю',
  'ь',
].sort((a, b) => b.length - a.length);
const EN_ENDINGS = ['ings', 'ing', 'ies', 'ied', 'es', 'ed', 'ly', 's'];

function stripEnding(word: string, endings: readonly string[], minStem: number): string {
  for (const ending of endings) {
    if (word.endsWith(ending) && word.length - ending.length >= minStem) return word.slice(0, -ending.length);
  }
  return word;
}

export function stem(word: string): string {
  if (/[а-я]/.test(word)) return stripEnding(word, RU_ENDINGS, 3);
  return stripEnding(word, EN_ENDINGS, 3);
}

export function normalizeText(text: string): string {
  return text
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Content-word stems of a text, in order, without duplicates. */
export function keyTerms(text: string): string[] {
  const words = normalizeText(text)
    .split(' ')
    .filter((w) => w !== '' && !STOP_WORDS.has(w));
  return [...new Set(words.map(stem))];
}
