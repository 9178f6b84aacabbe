import type { DiscordGuildChannel } from '@ai-secretary/protocol';

/** What an admin sets per server of a bot (see protocol/src/admin/discord-guilds.ts). */
export interface DiscordGuildSettings {
  route: string | null;
  temperature: number | null;
  /** The server's persona prompt (a channel's `/persona` replaces it). */
  persona: string | null;
  allowedRoutes: string[];
  channels: string[];
  dailyTokenLimit: number | null;
  dailyCostLimitUsd: number | null;
  userDailyTokenLimit: number | null;
  limitAction: 'fallback' | 'refuse';
}

export const DEFAULT_GUILD_SETTINGS: DiscordGuildSettings = {
  route: null,
  temperature: null,
  persona: null,
  allowedRoutes: [],
  channels: [],
  dailyTokenLimit: null,
  dailyCostLimitUsd: null,
  userDailyTokenLimit: null,
  limitAction: 'fallback',
};

/** A server (guild) a bot is or was in, as its process reported it, with the admin's settings. */
export interface DiscordGuildRecord {
  id: string;
  botId: string;
  guildId: string;
  name: string;
  textChannels: DiscordGuildChannel[];
  present: boolean;
  settings: DiscordGuildSettings;
  /** The usage limit records (core/llm) made from the settings' daily limits. */
  limitIds: string[];
  createdAt: number;
  updatedAt: number;
}

/** What a new turn does while the channel's previous one is still being answered. */
export type DiscordWhileAnswering = 'queue' | 'cancel';
export const DEFAULT_WHILE_ANSWERING: DiscordWhileAnswering = 'queue';

/**
 * What `/model` and `/persona` (or an admin) chose for one channel or thread (null: not chosen; a thread
 * falls back to its channel's choice, then to the server's settings).
 */
export interface DiscordChannelChoiceRecord {
  id: string;
  botId: string;
  channelId: string;
  route: string | null;
  persona: string | null;
  whileAnswering: DiscordWhileAnswering | null;
  updatedAt: number;
}

export interface DiscordGuildStore {
  list(botId: string): Promise<DiscordGuildRecord[]>;
  find(botId: string, guildId: string): Promise<DiscordGuildRecord | null>;
  insert(record: DiscordGuildRecord): Promise<void>;
  update(id: string, patch: Partial<Omit<DiscordGuildRecord, 'id' | 'botId' | 'guildId'>>): Promise<void>;
}

export interface DiscordChoiceStore {
  find(botId: string, channelId: string): Promise<DiscordChannelChoiceRecord | null>;
  /** Every channel choice of the bot, oldest change first. */
  list(botId: string): Promise<DiscordChannelChoiceRecord[]>;
  /** Inserts or replaces the (bot, channel) row. */
  save(record: DiscordChannelChoiceRecord): Promise<void>;
}

/** A slash command interaction the orchestrator took (each is answered once, even after a restart). */
export interface DiscordInteractionRecord {
  id: string;
  botId: string;
  interactionId: string;
  name: string;
  createdAt: number;
}

export interface DiscordInteractionStore {
  /** Records the interaction unless (botId, interactionId) exists; true when this call recorded it. */
  claim(record: DiscordInteractionRecord): Promise<boolean>;
  /** Forgets interactions older than `beforeMs` (their tokens expired long ago); how many. */
  prune(beforeMs: number): Promise<number>;
}
