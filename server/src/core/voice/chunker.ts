export interface ChunkerOptions {
  /** A comma, colon, semicolon or dash ends the first clause once it is this long (fast first audio). */
  firstSoftMinChars: number;
  /** … and later clauses once they are this long (fewer, more natural TTS calls). */
  softMinChars: number;
  /** Longer than this with no boundary: cut at the last space. */
  maxChars: number;
}

export const DEFAULT_CHUNKER: ChunkerOptions = { firstSoftMinChars: 16, softMinChars: 40, maxChars: 220 };

const HARD = new Set(['.', '!', '?', '…', ';', '\n']);
const SOFT = new Set([',', ':', '—', '–']);
const CLOSERS = new Set(['"', "'", '»', '”', '’', ')', ']', '*']);

/** Words that end with a dot without ending the sentence (lower case, inner dots kept). */
const ABBREVIATIONS = new Set([
  // English
  'mr',
  'mrs',
  'ms',
  'dr',
  'prof',
  'sr',
  'jr',
  'st',
  'vs',
  'etc',
  'e.g',
  'i.e',
  'a.m',
  'p.m',
  'inc',
  'ltd',
  'co',
  'no',
  'approx',
  'dept',
  'est',
  'fig',
  'mt',
  'ave',
  'u.s',
  'jan',
  'feb',
  'mar',
  'apr',
  'jun',
  'jul',
  'aug',
  'sep',
  'sept',
  'oct',
  'nov',
  'dec',
  'tel',
  'ext',
  'min',
  'max',
  // Russian
  'т.е',
  'т.к',
  'т.д',
  'т.п',
  'т.н',
  'т.ч',
  'и.о',
  'н.э',
  'г',
  'гг',
  'ул',
  'д',
  'кв',
  'стр',
  'руб',
  'коп',
  'тыс',
  'млн',
  'млрд',
  'им',
  'др',
  'пр',
  'см',
  'напр',
  'просп',
  'пер',
  'тел',
  'доб',
  'каб',
  'корп',
  'мин',
  'сек',
  'ч',
  'обл',
  'р-н',
  'проф',
  'акад',
  'г-н',
  'г-жа',
  'т',
]);
/** Single-letter words that can end a sentence; other single letters before a dot are initials. */
const SINGLE_LETTER_WORDS = new Set(['i', 'a', 'я']);

function wordBefore(text: string, dotIndex: number): string {
  let start = dotIndex;
  while (start > 0 && !/\s/.test(text[start - 1]!)) start--;
  return text
    .slice(start, dotIndex)
    .replace(/^[«"'(“„[]+/, '')
    .toLowerCase();
}

/** A dot that belongs to an abbreviation, an initial or a list number rather than ending a sentence. */
function isFalseStop(text: string, dotIndex: number): boolean {
  const word = wordBefore(text, dotIndex);
  if (ABBREVIATIONS.has(word)) return true;
  if (/^\p{L}$/u.test(word) && !SINGLE_LETTER_WORDS.has(word)) return true;
  // "1. First" at the start of a clause is a list marker.
  return /^\d+$/.test(word) && text.slice(0, dotIndex - word.length).trim() === '';
}

/** Removes markdown the LLM may emit that TTS would read aloud. */
export function speakable(text: string): string {
  return text
    .replace(/[*_`#]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Streams LLM deltas into speakable clauses. A boundary is only decided once the next character
 * is known, so "3.14", "1,000" and "e.g." never split; Russian «quotes», dashes and ellipses work.
 */
export function createChunker(options: ChunkerOptions = DEFAULT_CHUNKER) {
  let buffer = '';
  let scanFrom = 0;
  let emitted = 0;

  function boundaryAt(i: number): number | null {
    const ch = buffer[i]!;
    const soft = SOFT.has(ch);
    if (!HARD.has(ch) && !soft) return null;
    if (ch === '\n') return i + 1;
    let j = i + 1;
    while (j < buffer.length && (CLOSERS.has(buffer[j]!) || (HARD.has(buffer[j]!) && buffer[j] !== '\n'))) j++;
    if (j >= buffer.length) return -1; // undecided until more text arrives
    if (!/\s/.test(buffer[j]!)) return null;
    if (ch === '.' && isFalseStop(buffer, i)) return null;
    if (soft && buffer.slice(0, i).trim().length < (emitted === 0 ? options.firstSoftMinChars : options.softMinChars)) {
      return null;
    }
    return j;
  }

  function take(end: number): string | null {
    const clause = speakable(buffer.slice(0, end));
    buffer = buffer.slice(end);
    scanFrom = 0;
    if (clause === '' || !/[\p{L}\p{N}]/u.test(clause)) return null;
    emitted++;
    return clause;
  }

  function scan(): string[] {
    const out: string[] = [];
    for (let i = scanFrom; i < buffer.length; i++) {
      const end = boundaryAt(i);
      if (end === -1) {
        scanFrom = i;
        return out;
      }
      if (end === null) continue;
      const clause = take(end);
      if (clause !== null) out.push(clause);
      i = -1;
    }
    scanFrom = buffer.length;
    if (buffer.length > options.maxChars) out.push(...cutLong());
    return out;
  }

  function cutLong(): string[] {
    const space = buffer.lastIndexOf(' ', options.maxChars);
    const clause = take(space > 0 ? space : options.maxChars);
    return clause === null ? [] : [clause];
  }

  return {
    /** Adds a delta; returns the clauses it completed. */
    push(delta: string): string[] {
      buffer += delta;
      return scan();
    },
    /** The LLM finished: whatever is left is the last clause. */
    flush(): string[] {
      const clause = take(buffer.length);
      return clause === null ? [] : [clause];
    },
    /** Text received but not yet emitted as a clause. */
    get pending(): string {
      return buffer;
    },
  };
}

/** Stage form: deltas in, clauses out. */
export async function* chunkClauses(deltas: AsyncIterable<string>, options: ChunkerOptions = DEFAULT_CHUNKER) {
  const chunker = createChunker(options);
  for await (const delta of deltas) yield* chunker.push(delta);
  yield* chunker.flush();
}
