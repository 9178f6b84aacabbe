import type { TelegramBotView } from '@ai-secretary/protocol';
import { describe, expect, it } from 'vitest';
import { DraftError, draftFromBot, errorField, parseIds, settingsBody } from '../src/views/telegram/bot-settings.js';

const bot: TelegramBotView = {
  id: 'b1',
  name: 'Support',
  username: 'support_bot',
  telegramId: 700000001,
  tokenHint: '700000001:…0001',
  persona: 'secretary',
  language: 'ru',
  allowedUsers: [1, 2],
  adminUsers: [],
  blockedUsers: [3],
  rateLimit: { messages: 20, windowSeconds: 60 },
  groupMode: 'mention',
  voiceReplies: 'off',
  ttsVoice: null,
  transcript: 'collapsed',
  greeting: '',
  menu: [{ label: 'Site', action: 'link', url: 'https://shop.example' }],
  autoStart: true,
  status: 'running',
  lastError: null,
  transport: 'polling',
  pid: 10,
  rssBytes: null,
  restarts: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('Telegram bot settings form model', () => {
  it('reads user ids separated by spaces, commas or new lines, and names the first one that is not an id', () => {
    expect(parseIds('allowedUsers', ' 12, 34\n56;78 ')).toEqual([12, 34, 56, 78]);
    expect(parseIds('allowedUsers', '')).toEqual([]);
    expect(() => parseIds('blockedUsers', '12 -5')).toThrow(DraftError);
    const thrown = (() => {
      try {
        return parseIds('blockedUsers', '12 abc');
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toMatchObject({ field: 'blockedUsers', value: 'abc' });
  });

  it('turns a bot into a draft and back into the same settings', () => {
    const body = settingsBody(draftFromBot(bot));
    expect(body).toEqual({
      name: 'Support',
      autoStart: true,
      persona: 'secretary',
      language: 'ru',
      allowedUsers: [1, 2],
      adminUsers: [],
      blockedUsers: [3],
      rateLimit: { messages: 20, windowSeconds: 60 },
      groupMode: 'mention',
      voiceReplies: 'off',
      ttsVoice: null,
      transcript: 'collapsed',
      greeting: '',
      menu: [{ label: 'Site', action: 'link', url: 'https://shop.example' }],
    });
  });

  it('sends only the fields a button action uses, and numbers as typed', () => {
    const draft = draftFromBot(bot);
    draft.menu = [
      { label: ' Hours ', action: 'answer', text: ' Nine to six ', url: 'https://left.over' },
      { label: 'Call me', action: 'form', text: '', url: '' },
    ];
    draft.rateMessages = '5';
    draft.ttsVoice = ' ru-voice ';
    const body = settingsBody(draft);
    expect(body.menu).toEqual([
      { label: 'Hours', action: 'answer', text: 'Nine to six' },
      { label: 'Call me', action: 'form' },
    ]);
    expect(body.rateLimit).toEqual({ messages: 5, windowSeconds: 60 });
    expect(body.ttsVoice).toBe('ru-voice');
  });

  it('tells which create-form field a server error is about', () => {
    expect(errorField('TELEGRAM_TOKEN_REJECTED', 'Telegram refused this bot token (Unauthorized)')).toBe('token');
    expect(errorField('VALIDATION_FAILED', 'token must look like 123456789:AAE…')).toBe('token');
    expect(errorField('VALIDATION_FAILED', 'name must not be empty')).toBe('name');
    expect(errorField('VALIDATION_FAILED', 'Unknown persona or model "x"')).toBe('persona');
    expect(errorField('TELEGRAM_UNREACHABLE', 'The Telegram Bot API could not be reached')).toBeNull();
  });
});
