import { describe, expect, it } from 'vitest';
import { splitPassages } from './split.js';
import { stems, stemWord } from './stem.js';

const same = (forms: string[]) => new Set(forms.map(stemWord)).size;

describe('knowledge stemmers', () => {
  it.each([
    [['доставка', 'доставку', 'доставки', 'доставкой', 'доставке']],
    [['цена', 'цены', 'цену', 'ценой']],
    [['адрес', 'адреса', 'адресу', 'адресом']],
    [['возврат', 'возврата', 'возвратом']],
    [['красивый', 'красивая', 'красивые', 'красивого']],
    [['deliver', 'delivery', 'delivered', 'deliveries', 'delivering']],
    [['return', 'returns', 'returned', 'returning']],
    [['price', 'prices']],
    [['address', 'addresses']],
    [['ship', 'shipping', 'shipped']],
  ])('gives %j one stem', (forms) => {
    expect(same(forms)).toBe(1);
  });

  it('keeps words with different meanings apart', () => {
    expect(stemWord('доставка')).not.toBe(stemWord('достаток'));
    expect(stemWord('price')).not.toBe(stemWord('prize'));
  });

  it('folds case and ё, and leaves stop words out', () => {
    expect(stems('Где вы находитесь? ЁЛКА')).toEqual([stemWord('находитесь'), stemWord('елка')]);
    expect(stems('What is the')).toEqual([]);
  });
});

describe('splitPassages', () => {
  it('keeps the heading path and bounds every passage', () => {
    const text = `# A\n\nintro\n\n## B\n\n${'word '.repeat(400)}\n\n### C\n\nlast`;
    const passages = splitPassages(text, true, 300);
    expect(passages[0]).toEqual({ heading: 'A', text: 'intro' });
    expect(passages.at(-1)).toEqual({ heading: 'A › B › C', text: 'last' });
    for (const p of passages) expect(p.text.length).toBeLessThanOrEqual(300);
    expect(passages.filter((p) => p.heading === 'A › B').length).toBeGreaterThan(1);
  });

  it('reads plain text without headings', () => {
    expect(splitPassages('# not a heading\n\nsecond', false)).toEqual([
      { heading: '', text: '# not a heading\n\nsecond' },
    ]);
  });
});
