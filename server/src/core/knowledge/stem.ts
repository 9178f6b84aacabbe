/**
 * Light stemmers for the knowledge base's SQLite index (FTS5 has no Russian stemmer): the Snowball Russian
 * algorithm and a small English suffix stripper, so that "доставка/доставку/доставки" and
 * "deliver/delivery/delivered" index and query as one term. PostgreSQL uses its own `russian`/`english`
 * configurations instead.
 */

const RU_VOWELS = 'аеиоуыэюя';
const PERFECTIVE_1 = ['вшись', 'вши', 'в'];
const PERFECTIVE_2 = ['ившись', 'ывшись', 'ивши', 'ывши', 'ив', 'ыв'];
const ADJECTIVE = 'ими ыми его ого ему ому ее ие ые ое ей ий ый ой ем им ым ом их ых ую юю ая яя ою ею'.split(' ');
const PARTICIPLE_1 = ['ем', 'нн', 'вш', 'ющ', 'щ'];
const PARTICIPLE_2 = ['ивш', 'ывш', 'ующ'];
const REFLEXIVE = ['ся', 'сь'];
const VERB_1 = 'ете йте ешь нно ла на ли ем ло но ет ют ны ть й л н'.split(' ');
const VERB_2 =
  'ейте уйте ила ыла ена ите или ыли ило ыло ено ует уют ены ить ыть ишь ей уй ил ыл им ым ен ят ит ыт ую ю'.split(' ');
const NOUN =
  'иями ями ами ией иям ием иях ев ов ие ье еи ии ей ой ий ям ем ам ом ах ях ию ью ия ья а е и й о у ы ь ю я'.split(
    ' ',
  );

const isRuVowel = (ch: string | undefined) => ch !== undefined && RU_VOWELS.includes(ch);

/** Start of RV (after the first vowel) and R2 (the Snowball regions). */
function regions(word: string): { rv: number; r2: number } {
  const after = (from: number) => {
    for (let i = from; i < word.length - 1; i++) if (isRuVowel(word[i]) && !isRuVowel(word[i + 1])) return i + 2;
    return word.length;
  };
  const first = [...word].findIndex((ch) => isRuVowel(ch));
  return { rv: first < 0 ? word.length : first + 1, r2: after(after(0)) };
}

/** The longest ending of `endings` inside the region from `start`; group 1 endings need а/я before them. */
function findEnding(word: string, start: number, endings: string[], afterAYa = false): string | null {
  const sorted = [...endings].sort((a, b) => b.length - a.length);
  for (const ending of sorted) {
    if (!word.endsWith(ending) || word.length - ending.length < start) continue;
    if (!afterAYa) return ending;
    const before = word[word.length - ending.length - 1];
    if ((before === 'а' || before === 'я') && word.length - ending.length - 1 >= start) return ending;
  }
  return null;
}

const cut = (word: string, ending: string) => word.slice(0, word.length - ending.length);

/** Removes the first ending found among the groups, in order; null when none matched. */
function removeFirst(word: string, rv: number, groups: Array<[string[], boolean]>): string | null {
  for (const [endings, afterAYa] of groups) {
    const ending = findEnding(word, rv, endings, afterAYa);
    if (ending) return cut(word, ending);
  }
  return null;
}

function adjectival(word: string, rv: number): string | null {
  const adjective = findEnding(word, rv, ADJECTIVE);
  if (!adjective) return null;
  const stem = cut(word, adjective);
  return (
    removeFirst(stem, rv, [
      [PARTICIPLE_2, false],
      [PARTICIPLE_1, true],
    ]) ?? stem
  );
}

function step1(word: string, rv: number): string {
  const gerund = removeFirst(word, rv, [
    [PERFECTIVE_2, false],
    [PERFECTIVE_1, true],
  ]);
  if (gerund !== null) return gerund;
  const reflexive = findEnding(word, rv, REFLEXIVE);
  const base = reflexive ? cut(word, reflexive) : word;
  return (
    adjectival(base, rv) ??
    removeFirst(base, rv, [
      [VERB_2, false],
      [VERB_1, true],
      [NOUN, false],
    ]) ??
    base
  );
}

function step4(word: string, rv: number): string {
  if (word.endsWith('нн') && word.length - 1 > rv) return word.slice(0, -1);
  const superlative = findEnding(word, rv, ['ейше', 'ейш']);
  if (superlative) {
    const stem = cut(word, superlative);
    return stem.endsWith('нн') ? stem.slice(0, -1) : stem;
  }
  return word.endsWith('ь') && word.length - 1 >= rv ? word.slice(0, -1) : word;
}

/** Snowball Russian stemmer (lower-case input, ё already folded to е). */
export function stemRussian(input: string): string {
  const { rv, r2 } = regions(input);
  let word = step1(input, rv);
  if (word.endsWith('и') && word.length - 1 >= rv) word = word.slice(0, -1);
  const derivational = findEnding(word, Math.max(r2, rv), ['ость', 'ост']);
  if (derivational) word = cut(word, derivational);
  return step4(word, rv);
}

const EN_SUFFIXES = ['ingly', 'edly', 'ments', 'ment', 'ings', 'ions', 'ing', 'ies', 'ied', 'ion', 'ed', 'es', 's'];
const MIN_EN_STEM = 3;

function undouble(stem: string): string {
  const last = stem.at(-1);
  return last !== undefined && stem.at(-2) === last && !'lsz'.includes(last) ? stem.slice(0, -1) : stem;
}

/** A light English suffix stripper: one suffix off, then a final -y/-e; deliver(y|ed|ies) → deliver. */
export function stemEnglish(word: string): string {
  let stem = word;
  for (const suffix of EN_SUFFIXES) {
    if (!stem.endsWith(suffix) || stem.length - suffix.length < MIN_EN_STEM) continue;
    if (suffix === 's' && /(ss|us|is)$/.test(stem)) continue;
    if (suffix === 'es' && !/(ss|x|ch|sh|z|c|s)es$/.test(stem)) stem = stem.slice(0, -1);
    else stem = cut(stem, suffix);
    if (['ing', 'ed', 'edly', 'ingly'].includes(suffix)) stem = undouble(stem);
    break;
  }
  if (/[ye]$/.test(stem) && stem.length > MIN_EN_STEM) stem = stem.slice(0, -1);
  return stem;
}

const STOP_WORDS = new Set(
  (
    'a an the and or but if of to in on at by for from with about as is are was were be been being do does did ' +
    'have has had i you he she it we they me my your our their this that these those what which who whom when ' +
    'where why how can could would should will shall may might must not no yes there here please tell me us ' +
    'и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот от ' +
    'меня еще нет о из ему теперь когда даже ну ли если уже или ни быть был него до вас нибудь опять уж вам ведь ' +
    'там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего раз ' +
    'тоже себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы ' +
    'нее сейчас были куда зачем всех никогда можно при наконец два об другой хоть после над больше тот через эти ' +
    'нас про всего них какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя ' +
    'такой им более всегда конечно всю между подскажите скажите пожалуйста ваш ваша ваше ваши вашей вашего'
  ).split(' '),
);

/** Lower-cased words (letters and digits), ё folded to е. */
export function words(text: string): string[] {
  return (
    text
      .toLowerCase()
      .replace(/ё/g, 'е')
      .match(/[\p{L}\p{N}]+/gu) ?? []
  ).filter((w) => w.length > 0);
}

/** One word's stem: Cyrillic words through the Russian stemmer, Latin ones through the English one. */
export function stemWord(word: string): string {
  if (/[а-я]/.test(word)) return stemRussian(word);
  if (/^[a-z]+$/.test(word)) return stemEnglish(word);
  return word;
}

/** The words of a text that carry meaning (stop words of both languages left out). */
export function contentWords(text: string): string[] {
  return words(text).filter((w) => !STOP_WORDS.has(w));
}

/** The stemmed terms of a text, stop words left out (the form the SQLite index stores and queries). */
export function stems(text: string): string[] {
  return contentWords(text).map(stemWord);
}
