import type { DiscordBotSettings } from '@ai-secretary/protocol';
import type { ToolCallRecord } from '../llm/tool-loop.js';

export type { DiscordBotSettings };

/** Whether an admin wants the bot running (kept across orchestrator restarts). */
export type DiscordBotDesired = 'running' | 'stopped';

export interface DiscordBotRecord {
  id: string;
  name: string;
  /** The token, sealed with the secret box (context: the bot id). */
  tokenSealed: string;
  tokenHint: string;
  /** The bot user's snowflake. */
  discordId: string;
  username: string;
  settings: DiscordBotSettings;
  autoStart: boolean;
  desired: DiscordBotDesired;
  createdAt: number;
  updatedAt: number;
}

export interface DiscordBotStore {
  insert(bot: DiscordBotRecord): Promise<void>;
  findById(id: string): Promise<DiscordBotRecord | null>;
  list(): Promise<DiscordBotRecord[]>;
  update(id: string, patch: Partial<Omit<DiscordBotRecord, 'id'>>): Promise<void>;
  remove(id: string): Promise<void>;
}

/**
 * One message (or burst) that needed an answer. `answering` until its reply is stored: `answered`, `refused`
 * (not allowed, over a limit), `failed` (no answer could be written; the reply is the apology) or `cancelled`
 * (a newer turn in a `cancel` channel took over; the reply is what was written by then). `delivered` once
 * Discord has the reply, so the same message is never answered twice.
 */
export type DiscordTurnStatus = 'answering' | 'answered' | 'refused' | 'failed' | 'cancelled';

export interface DiscordTurnRecord {
  id: string;
  botId: string;
  /** The (first) message's snowflake: unique per bot. */
  messageId: string;
  channelId: string;
  guildId: string | null;
  userId: string;
  userName: string;
  text: string;
  reply: string | null;
  /** The message the reply is being written into (kept so that a restarted process edits it on). */
  replyMessageId: string | null;
  status: DiscordTurnStatus;
  delivered: boolean;
  /** The tools the model called while answering (null: none). */
  toolCalls?: ToolCallRecord[] | null;
  createdAt: number;
  updatedAt: number;
}

export interface DiscordChannelSummary {
  channelId: string;
  guildId: string | null;
  turns: number;
  lastAt: number;
}

export interface DiscordTurnStore {
  /** Inserts the turn unless (botId, messageId) exists; returns the stored one either way. */
  claim(turn: DiscordTurnRecord): Promise<{ turn: DiscordTurnRecord; created: boolean }>;
  update(id: string, patch: Partial<Omit<DiscordTurnRecord, 'id' | 'botId' | 'messageId'>>): Promise<void>;
  findByMessage(botId: string, messageId: string): Promise<DiscordTurnRecord | null>;
  /** The bot's turns created since `sinceMs`, newest first. */
  recent(botId: string, sinceMs: number, limit: number): Promise<DiscordTurnRecord[]>;
  channels(botId: string, limit: number): Promise<DiscordChannelSummary[]>;
  /** A channel's turns, oldest first (the newest `limit`). */
  turns(botId: string, channelId: string, limit: number): Promise<DiscordTurnRecord[]>;
}
