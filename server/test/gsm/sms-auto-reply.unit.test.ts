import { describe, expect, it } from 'vitest';
import { planSms } from '../../src/core/gsm/pdu.js';
import { fitToParts } from '../../src/core/gsm/sms-auto-reply.js';

describe('fitToParts', () => {
  it('keeps a reply that fits, collapsing whitespace', () => {
    expect(fitToParts('  Hello,\n\nsee you   tomorrow. ', 1)).toBe('Hello, see you tomorrow.');
  });

  it.each([
    ['gsm7', 'The office is open from nine to six on weekdays. '.repeat(12), 1, 160],
    ['gsm7', 'The office is open from nine to six on weekdays. '.repeat(12), 2, 306],
    ['ucs2', 'Офис открыт с девяти до шести по будним дням. '.repeat(8), 1, 70],
    ['ucs2', 'Офис открыт с девяти до шести по будним дням. '.repeat(8), 3, 201],
  ] as const)('cuts a long %s reply at a word to fit in %i part(s)', (encoding, text, parts, maxChars) => {
    const fitted = fitToParts(text, parts);
    const plan = planSms(fitted);
    expect(plan.parts.length).toBeLessThanOrEqual(parts);
    expect(plan.encoding).toBe(encoding); // a GSM-7 reply ends in '...', which keeps it GSM-7
    const ellipsis = encoding === 'gsm7' ? '...' : '…';
    expect(fitted.endsWith(ellipsis)).toBe(true);
    expect(fitted.length).toBeLessThanOrEqual(maxChars);
    expect(fitted.length).toBeGreaterThan(maxChars * 0.6);
    const body = fitted.slice(0, -ellipsis.length);
    expect(text.startsWith(body)).toBe(true);
    expect(text[body.length]).toBe(' '); // cut at a word boundary
  });
});
