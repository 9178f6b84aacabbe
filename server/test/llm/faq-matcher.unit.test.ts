import { describe, expect, it } from 'vitest';
import { createFaqMatcher } from '../../src/core/llm/faq/matcher.js';
import { keyTerms, normalizeText } from '../../src/core/llm/faq/normalize.js';

const entries = [
  {
    id: 'hours',
    questions: ['What are your opening hours?', 'When are you open?', 'Часы работы', 'Во сколько вы открываетесь?'],
  },
  {
    id: 'address',
    questions: ['Where is your office?', 'What is your address?', 'Где находится ваш офис?', 'Какой у вас адрес?'],
  },
  { id: 'delivery', questions: ['How much does delivery cost?', 'Сколько стоит доставка?'] },
  { id: 'parking', questions: ['Есть ли у вас парковка?', 'Is there parking?'] },
];
const matcher = createFaqMatcher(entries, 0.8);
const match = (text: string) => matcher.match(text)?.id ?? null;

describe('FAQ normalisation', () => {
  it('folds case, punctuation and ё', () => {
    expect(normalizeText('  Ещё РАЗ: всё — ёлка?! ')).toBe('еще раз все елка');
  });
  it('drops stop words and stems in both languages', () => {
    expect(keyTerms('What are your OPENING hours, please?')).toEqual(['open', 'hour']);
    expect(keyTerms('Какой у вас режим работы?')).toEqual(['режим', 'работ']);
  });
});

describe('FAQ matching', () => {
  const paraphrases: Array<[string, string]> = [
    ['your opening hours?', 'hours'],
    ['Opening hours please!!', 'hours'],
    ['WHEN are you OPEN', 'hours'],
    ['what are your openning hours', 'hours'],
    ['часы работы?', 'hours'],
    ['Подскажите, пожалуйста, часы работы', 'hours'],
    ['во сколько открываетесь', 'hours'],
    ['where is the office', 'address'],
    ['Your address?', 'address'],
    ['где ваш офис находится', 'address'],
    ['какой ваш адрес', 'address'],
    ['сколько стоит доставка', 'delivery'],
    ['СКОЛЬКО СТОИТ ДОСТАВКА?!', 'delivery'],
    ['how much is delivery cost', 'delivery'],
    ['а парковка есть?', 'parking'],
    ['is there any parking', 'parking'],
  ];
  for (const [text, id] of paraphrases) {
    it(`matches "${text}" to ${id}`, () => {
      expect(match(text)).toBe(id);
    });
  }

  const nearMisses = [
    'What are your closing hours?',
    'When are you closed for holidays?',
    'Where is your warehouse?',
    'Сколько стоит установка?',
    'Сколько стоит доставка мебели в Казань?',
    'Часы работы склада в праздники',
    'How much does installation cost?',
    'Is there a discount?',
    'Привет!',
    '',
    '???',
  ];
  for (const text of nearMisses) {
    it(`does not match "${text}"`, () => {
      expect(match(text)).toBeNull();
    });
  }
});
