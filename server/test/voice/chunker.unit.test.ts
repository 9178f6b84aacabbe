import { describe, expect, it } from 'vitest';
import { chunkClauses, createChunker, speakable } from '../../src/core/voice/chunker.js';

/** Feeds text one character at a time (the worst case of LLM streaming) and collects clauses. */
function chunkByChar(text: string): string[] {
  const chunker = createChunker();
  const out: string[] = [];
  for (const ch of text) out.push(...chunker.push(ch));
  return [...out, ...chunker.flush()];
}

describe('sentence chunker (English)', () => {
  it('splits sentences as soon as the next word starts', () => {
    const chunker = createChunker();
    expect(chunker.push('Hello there. How can')).toEqual(['Hello there.']);
    expect(chunker.push(' I help?')).toEqual([]);
    expect(chunker.flush()).toEqual(['How can I help?']);
  });

  it('keeps decimals, thousands and times together', () => {
    expect(chunkByChar('Pi is 3.14 and we sold 1,000 units at 10:30 today. Next one.')).toEqual([
      'Pi is 3.14 and we sold 1,000 units at 10:30 today.',
      'Next one.',
    ]);
  });

  it('does not split after abbreviations and initials', () => {
    expect(chunkByChar('Dr. Smith sees you at 5 p.m. tomorrow, e.g. after lunch. J. R. Tolkien wrote it.')).toEqual([
      'Dr. Smith sees you at 5 p.m. tomorrow,',
      'e.g. after lunch.',
      'J. R. Tolkien wrote it.',
    ]);
  });

  it('ends a short first clause at a comma only when it is long enough', () => {
    expect(chunkByChar('Yes, sure. Thank you for calling our office, we are open every day until six.')).toEqual([
      'Yes, sure.',
      'Thank you for calling our office, we are open every day until six.',
    ]);
  });

  it('handles ellipses, repeated marks, quotes and list numbers', () => {
    expect(chunkByChar('Well... He said "no!" Then?! 1. First item\n2. Second item')).toEqual([
      'Well...',
      'He said "no!"',
      'Then?!',
      '1. First item',
      '2. Second item',
    ]);
  });

  it('strips markdown and cuts runaway text at a space', () => {
    expect(speakable('**Bold** and `code` # heading')).toBe('Bold and code heading');
    const long = 'word '.repeat(100);
    const clauses = chunkByChar(long);
    expect(clauses.length).toBeGreaterThan(1);
    expect(clauses.every((c) => c.length <= 220)).toBe(true);
    expect(clauses.join(' ')).toBe(long.trim());
  });
});

describe('sentence chunker (Russian)', () => {
  it('handles т.е., г., «quotes», dashes and ellipsis', () => {
    expect(
      chunkByChar('Мы открылись в 2020 г. в Москве, т.е. недавно. Он сказал: «Приходите завтра!» Хорошо… До встречи.'),
    ).toEqual([
      'Мы открылись в 2020 г. в Москве,',
      'т.е. недавно.',
      'Он сказал: «Приходите завтра!»',
      'Хорошо…',
      'До встречи.',
    ]);
  });

  it('splits a long first clause at a dash and keeps numbers whole', () => {
    expect(chunkByChar('Стоимость услуги составляет 1,5 тыс. руб. — это включая НДС. Ждём вас.')).toEqual([
      'Стоимость услуги составляет 1,5 тыс. руб. —',
      'это включая НДС.',
      'Ждём вас.',
    ]);
  });

  it('works as a stage over an async iterable', async () => {
    async function* deltas() {
      yield* ['Здравствуйте', '! Чем', ' могу помочь', '?'];
    }
    const out: string[] = [];
    for await (const clause of chunkClauses(deltas())) out.push(clause);
    expect(out).toEqual(['Здравствуйте!', 'Чем могу помочь?']);
  });
});
