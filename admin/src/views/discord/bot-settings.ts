import type { DiscordBotView, UpdateDiscordBotRequest } from '@ai-secretary/protocol';

export const LANGUAGES = ['ru', 'en'] as const;
export const ID_LISTS = ['channels', 'allowedUsers', 'blockedUsers'] as const;
export type IdList = (typeof ID_LISTS)[number];

/** A Discord bot's settings as the form holds them: snowflake lists as free text. */
export interface DiscordSettingsDraft {
  name: string;
  autoStart: boolean;
  persona: string;
  language: DiscordBotView['language'];
  channels: string;
  allowedUsers: string;
  blockedUsers: string;
}

export function draftFromBot(bot: DiscordBotView): DiscordSettingsDraft {
  return {
    name: bot.name,
    autoStart: bot.autoStart,
    persona: bot.persona,
    language: bot.language,
    channels: bot.channels.join('\n'),
    allowedUsers: bot.allowedUsers.join('\n'),
    blockedUsers: bot.blockedUsers.join('\n'),
  };
}

/** What the form could not read: a list entry that is not a Discord id (a snowflake). */
export class DraftError extends Error {
  constructor(
    readonly field: IdList,
    readonly value: string,
  ) {
    super(`${field}: "${value}" is not a Discord id`);
    this.name = 'DraftError';
  }
}

/** Snowflakes separated by spaces, commas or new lines. */
export function parseSnowflakes(field: IdList, text: string): string[] {
  const parts = text.split(/[\s,;]+/).filter((part) => part !== '');
  return parts.map((part) => {
    if (!/^[0-9]{15,21}$/.test(part)) throw new DraftError(field, part);
    return part;
  });
}

/** The PATCH body for a draft; throws DraftError for an id that is not one. */
export function settingsBody(draft: DiscordSettingsDraft): UpdateDiscordBotRequest {
  const lists = Object.fromEntries(ID_LISTS.map((field) => [field, parseSnowflakes(field, draft[field])])) as Record<
    IdList,
    string[]
  >;
  return {
    name: draft.name.trim(),
    autoStart: draft.autoStart,
    persona: draft.persona,
    language: draft.language,
    ...lists,
  };
}

export const megabytes = (bytes: number | null) => (bytes === null ? '—' : `${(bytes / 1_048_576).toFixed(1)} MB`);
