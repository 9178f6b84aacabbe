import { describe, expect, it } from 'vitest';
import type { Voice } from '@ai-secretary/protocol';
import { parseOpenAiVoiceMap, resolveOpenAiVoice } from './openai-voices.js';

const voice = (id: string, language: string): Voice => ({ id, engine: 'espeak-ng', language, sampleRateHz: 22050 });
const installed = [voice('ru', 'ru'), voice('en-us', 'en-US'), voice('en', 'en'), voice('alloy', 'en')];

describe('OpenAI voice names', () => {
  it('an installed id wins, even when it is also an OpenAI name', () => {
    expect(resolveOpenAiVoice('alloy', installed, { map: { alloy: 'ru' }, language: 'en' })).toBe('alloy');
    expect(resolveOpenAiVoice('ru', installed, { map: {}, language: 'en' })).toBe('ru');
  });

  it('maps a name to the chosen voice, else to the default language’s first voice, else to the first voice', () => {
    expect(resolveOpenAiVoice('Onyx', installed, { map: { onyx: 'ru' }, language: 'en' })).toBe('ru');
    expect(resolveOpenAiVoice('nova', installed, { map: {}, language: 'en-GB' })).toBe('en-us');
    expect(resolveOpenAiVoice('nova', installed, { map: {}, language: 'de' })).toBe('ru');
    // a mapping to a voice that is not installed falls back rather than failing
    expect(resolveOpenAiVoice('nova', installed, { map: { nova: 'gone' }, language: 'ru' })).toBe('ru');
  });

  it('leaves other names alone (the speech service says they are not installed)', () => {
    expect(resolveOpenAiVoice('nobody', installed, { map: {}, language: 'en' })).toBe('nobody');
    expect(resolveOpenAiVoice('alloy', [], { map: {}, language: 'en' })).toBe('alloy');
  });

  it('parses OPENAI_VOICE_MAP and names a malformed entry', () => {
    expect(parseOpenAiVoiceMap(' Alloy=en-us, onyx = ru ,')).toEqual({
      map: { alloy: 'en-us', onyx: 'ru' },
      bad: null,
    });
    expect(parseOpenAiVoiceMap('alloy=en,onyx').bad).toBe('onyx');
    expect(parseOpenAiVoiceMap('a=b=c').bad).toBe('a=b=c');
  });
});
