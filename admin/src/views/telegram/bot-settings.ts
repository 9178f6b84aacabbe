import type { TelegramBotView, TelegramMenuButton, UpdateTelegramBotRequest } from '@ai-secretary/protocol';
import { newBotErrorField } from '../../components/bot-kind.js';

export const LANGUAGES = ['ru', 'en'] as const;
export const GROUP_MODES = ['mention', 'off'] as const;
export const VOICE_REPLIES = ['off', 'voice', 'always'] as const;
export const TRANSCRIPTS = ['off', 'inline', 'collapsed'] as const;
export const MENU_ACTIONS = ['answer', 'prompt', 'form', 'link'] as const;
export const ID_LISTS = ['allowedUsers', 'adminUsers', 'blockedUsers'] as const;
export type IdList = (typeof ID_LISTS)[number];

/** One menu button as edited: every field a string, whatever the action. */
export interface MenuButtonDraft {
  label: string;
  action: TelegramMenuButton['action'];
  text: string;
  url: string;
}

/**
 * A bot's settings as the form holds them: user id lists as free text, numbers as typed
 * (a number input's v-model gives the raw text when it is not a number).
 */
export interface BotSettingsDraft {
  name: string;
  autoStart: boolean;
  persona: string;
  language: TelegramBotView['language'];
  allowedUsers: string;
  adminUsers: string;
  blockedUsers: string;
  rateMessages: number | string;
  rateWindowSeconds: number | string;
  groupMode: TelegramBotView['groupMode'];
  voiceReplies: TelegramBotView['voiceReplies'];
  ttsVoice: string;
  transcript: TelegramBotView['transcript'];
  greeting: string;
  menu: MenuButtonDraft[];
}

export function draftFromBot(bot: TelegramBotView): BotSettingsDraft {
  return {
    name: bot.name,
    autoStart: bot.autoStart,
    persona: bot.persona,
    language: bot.language,
    allowedUsers: bot.allowedUsers.join('\n'),
    adminUsers: bot.adminUsers.join('\n'),
    blockedUsers: bot.blockedUsers.join('\n'),
    rateMessages: bot.rateLimit.messages,
    rateWindowSeconds: bot.rateLimit.windowSeconds,
    groupMode: bot.groupMode,
    voiceReplies: bot.voiceReplies,
    ttsVoice: bot.ttsVoice ?? '',
    transcript: bot.transcript,
    greeting: bot.greeting,
    menu: bot.menu.map((button) => ({ ...button, text: button.text ?? '', url: button.url ?? '' })),
  };
}

export const emptyMenuButton = (): MenuButtonDraft => ({ label: '', action: 'answer', text: '', url: '' });

/** What the form could not read: a user id list entry that is not a Telegram id. */
export class DraftError extends Error {
  constructor(
    readonly field: IdList,
    readonly value: string,
  ) {
    super(`${field}: "${value}" is not a Telegram user id`);
    this.name = 'DraftError';
  }
}

/** User ids separated by spaces, commas or new lines. */
export function parseIds(field: IdList, text: string): number[] {
  const parts = text.split(/[\s,;]+/).filter((part) => part !== '');
  return parts.map((part) => {
    if (!/^[1-9][0-9]{0,15}$/.test(part)) throw new DraftError(field, part);
    return Number(part);
  });
}

/** A button as the API takes it: only the fields its action uses. */
function toMenuButton(draft: MenuButtonDraft): TelegramMenuButton {
  const button: TelegramMenuButton = { label: draft.label.trim(), action: draft.action };
  if (draft.action === 'link') button.url = draft.url.trim();
  else if (draft.text.trim() !== '') button.text = draft.text.trim();
  return button;
}

/** Numbers are sent as typed: the server answers a bad one with its own message. */
const asNumber = (value: number | string) => (typeof value === 'number' ? value : Number(value.trim()));

/** The PATCH body for a draft; throws DraftError for a user id that is not one. */
export function settingsBody(draft: BotSettingsDraft): UpdateTelegramBotRequest {
  const lists = Object.fromEntries(ID_LISTS.map((field) => [field, parseIds(field, draft[field])])) as Record<
    IdList,
    number[]
  >;
  return {
    name: draft.name.trim(),
    autoStart: draft.autoStart,
    persona: draft.persona,
    language: draft.language,
    ...lists,
    rateLimit: { messages: asNumber(draft.rateMessages), windowSeconds: asNumber(draft.rateWindowSeconds) },
    groupMode: draft.groupMode,
    voiceReplies: draft.voiceReplies,
    ttsVoice: draft.ttsVoice.trim() === '' ? null : draft.ttsVoice.trim(),
    transcript: draft.transcript,
    greeting: draft.greeting,
    menu: draft.menu.map(toMenuButton),
  };
}

/** Which create-form field a server error is about, to show it next to that field. */
export const errorField = (code: string, message: string) => newBotErrorField('telegram', code, message);
