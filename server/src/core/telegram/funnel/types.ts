import type { FunnelDefinition, FunnelOutMessage } from '@ai-secretary/protocol';

/** One saved version of a bot's funnel: a draft until published; a published version never changes. */
export interface TelegramFunnelRecord {
  botId: string;
  version: number;
  definition: FunnelDefinition;
  createdAt: number;
  publishedAt: number | null;
}

export interface TelegramFunnelStore {
  /** The newest version (a draft or the published one). */
  latest(botId: string): Promise<TelegramFunnelRecord | null>;
  /** The newest published version. */
  published(botId: string): Promise<TelegramFunnelRecord | null>;
  get(botId: string, version: number): Promise<TelegramFunnelRecord | null>;
  insert(record: TelegramFunnelRecord): Promise<void>;
  /** Changes a draft's definition (published versions are left as they are: false). */
  updateDraft(botId: string, version: number, definition: FunnelDefinition): Promise<boolean>;
  /** Publishes a draft; false when it was published already. */
  publish(botId: string, version: number, at: number): Promise<boolean>;
}

/** What the funnel answered to one update, kept until Telegram has it (a redelivery sends it again). */
export interface FunnelStoredReply {
  handled: boolean;
  messages: FunnelOutMessage[];
}

/** Where a subscriber stands in a funnel version. */
export interface TelegramFunnelProgressRecord {
  botId: string;
  chatId: number;
  version: number;
  /** null: finished (or not started). */
  step: string | null;
  answers: Record<string, string>;
  consentAt: number | null;
  lastUpdateId: number | null;
  lastReply: FunnelStoredReply | null;
  delivered: boolean;
  updatedAt: number;
}

export interface TelegramFunnelProgressStore {
  get(botId: string, chatId: number): Promise<TelegramFunnelProgressRecord | null>;
  put(record: TelegramFunnelProgressRecord): Promise<void>;
  markDelivered(botId: string, chatId: number, updateId: number): Promise<void>;
  list(botId: string): Promise<TelegramFunnelProgressRecord[]>;
}
