import { describe, expect, it } from 'vitest';
import { capture, runFunnel, segmentOf, variantIndex } from '../../src/core/telegram/funnel/engine.js';
import { funnelProblems } from '../../src/core/telegram/funnel/validate.js';
import { quizFunnel } from './funnel-fixture.js';

describe('funnel engine', () => {
  it('validates and normalizes captured answers', () => {
    expect(capture('phone', '+7 (912) 345-67-89')).toEqual({ ok: true, value: '+79123456789' });
    expect(capture('phone', '8 912 345 67 89')).toEqual({ ok: true, value: '89123456789' });
    for (const bad of ['12', 'call me', '+7 912', '1234567890123456', '+44 20 7946 0958 ext 1'])
      expect(capture('phone', bad)).toEqual({ ok: false });
    expect(capture('email', ' Ann@Example.COM ')).toEqual({ ok: true, value: 'ann@example.com' });
    for (const bad of ['ann', 'ann@', 'ann@example', 'a b@example.com'])
      expect(capture('email', bad)).toEqual({ ok: false });
    expect(capture('name', '  Анна  ')).toEqual({ ok: true, value: 'Анна' });
    expect(capture('name', '12345')).toEqual({ ok: false });
    expect(capture('text', '   ')).toEqual({ ok: false });
  });

  it('picks the same A/B variant for a user every time, and splits users', () => {
    const picks = Array.from({ length: 200 }, (_, i) => variantIndex(`bot:${i}`, 'welcome', 2));
    expect(picks).toEqual(Array.from({ length: 200 }, (_, i) => variantIndex(`bot:${i}`, 'welcome', 2)));
    const share = picks.filter((p) => p === 0).length / picks.length;
    expect(share).toBeGreaterThan(0.3);
    expect(share).toBeLessThan(0.7);
  });

  it('segments by the rule matrix once the named fields are answered', () => {
    const funnel = quizFunnel();
    expect(segmentOf(funnel, { tech: 'high' })).toBeNull();
    expect(segmentOf(funnel, { tech: 'high', infra: 'own' })).toBe('diy');
    expect(segmentOf(funnel, { tech: 'low', infra: 'none' })).toBe('custom');
    expect(segmentOf(funnel, { tech: 'low', infra: 'own' })).toBe('basic');
    expect(segmentOf(funnel, { tech: 'high', infra: 'none' })).toBe('basic');
  });

  it('walks to the basic offer, in Russian, with the pay: button', () => {
    const funnel = quizFunnel();
    expect(funnelProblems(funnel)).toEqual([]);
    const ctx = { language: 'ru' as const, userKey: 'b:1' };
    let state = runFunnel(funnel, { step: null, answers: {}, segment: null }, { kind: 'start' }, ctx).state;
    const walk = (input: Parameters<typeof runFunnel>[2]) => {
      const outcome = runFunnel(funnel, state, input, ctx);
      state = outcome.state;
      return outcome;
    };
    walk({ kind: 'press', data: 'funnel:go:welcome:0' });
    expect(walk({ kind: 'text', text: 'Ира' }).messages[0]!.text).toMatch(/Ваш телефон/);
    expect(walk({ kind: 'text', text: 'нет' }).messages[0]!.text).toMatch(/не похоже на номер/);
    walk({ kind: 'text', text: '+7 912 345 67 89' });
    walk({ kind: 'press', data: 'funnel:go:tech:1' });
    const offer = walk({ kind: 'press', data: 'funnel:go:infra:0' });
    expect(state).toMatchObject({ step: 'offer-basic', segment: 'basic' });
    expect(offer.messages.at(-1)).toEqual({
      text: 'Базовый тариф: мы всё разместим.\n\nЦена: 4 900 ₽',
      buttons: [
        { label: 'Оплатить', data: 'pay:basic-plan' },
        { label: 'Связаться с менеджером', data: 'funnel:manager:offer-basic' },
      ],
    });
    expect(offer.events.map((e) => e.type)).toEqual(['step.answered', 'segment.assigned', 'step.shown', 'offer.shown']);
    expect(walk({ kind: 'text', text: 'hello?' }).handled).toBe(false); // not the funnel's: a turn
  });
});
