import { keyTerms } from './normalize.js';

export interface FaqCandidate {
  id: string;
  questions: string[];
}

export interface FaqMatch {
  id: string;
  score: number;
  question: string;
}

function editDistanceAtMostOne(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i += 1;
      j += 1;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i += 1;
    else if (b.length > a.length) j += 1;
    else {
      i += 1;
      j += 1;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}

/** Same stem, or one typo in a long word ("opneing" still means "opening"). */
function sameTerm(a: string, b: string): boolean {
  if (a === b) return true;
  return Math.min(a.length, b.length) >= 4 && Math.max(a.length, b.length) >= 5 && editDistanceAtMostOne(a, b);
}

/** Dice coefficient over key terms, with typo-tolerant term equality. */
export function similarity(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const unused = [...b];
  let matched = 0;
  for (const term of a) {
    const at = unused.findIndex((other) => sameTerm(term, other));
    if (at >= 0) {
      matched += 1;
      unused.splice(at, 1);
    }
  }
  return (2 * matched) / (a.length + b.length);
}

/** Precomputes every variant's key terms once; `match` is then a linear scan without allocation-heavy work. */
export function createFaqMatcher(entries: FaqCandidate[], threshold: number) {
  const variants = entries.flatMap((entry) =>
    entry.questions.map((question) => ({ id: entry.id, question, terms: keyTerms(question) })),
  );
  return {
    match(text: string): FaqMatch | null {
      const terms = keyTerms(text);
      let best: FaqMatch | null = null;
      for (const variant of variants) {
        const score = similarity(terms, variant.terms);
        if (score >= threshold && (best === null || score > best.score)) {
          best = { id: variant.id, score, question: variant.question };
        }
      }
      return best;
    },
  };
}
