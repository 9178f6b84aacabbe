import type { TelegramBotSettings } from '@ai-secretary/protocol';

export type { TelegramBotSettings };

/** Whether an admin wants the bot running (kept across orchestrator restarts). */
export type TelegramBotDesired = 'running' | 'stopped';

export interface TelegramBotRecord {
  id: string;
  name: string;
  /** The token, sealed with the secret box (context: the bot id). */
  tokenSealed: string;
  tokenHint: string;
  telegramId: number;
  username: string;
  settings: TelegramBotSettings;
  autoStart: boolean;
  desired: TelegramBotDesired;
  /** Webhook mode's `secret_token`, sealed; null until first used. */
  webhookSecretSealed: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface TelegramBotStore {
  insert(bot: TelegramBotRecord): Promise<void>;
  findById(id: string): Promise<TelegramBotRecord | null>;
  list(): Promise<TelegramBotRecord[]>;
  update(id: string, patch: Partial<Omit<TelegramBotRecord, 'id'>>): Promise<void>;
  remove(id: string): Promise<void>;
}

/**
 * One update that needed an answer. `answering` until its reply is stored: `answered`, `refused` (not
 * allowed, rate limited, audio too long) or `failed` (no answer could be written; the reply is the apology).
 * `delivered` once Telegram has the reply, so a redelivered update sends nothing again.
 */
export type TelegramTurnStatus = 'answering' | 'answered' | 'refused' | 'failed';

export interface TelegramTurnRecord {
  id: string;
  botId: string;
  updateId: number;
  chatId: number;
  userId: number | null;
  userName: string | null;
  kind: 'text' | 'voice' | 'button';
  /** The user's text or the transcript of their voice note. */
  text: string;
  reply: string | null;
  replyVoice: boolean;
  status: TelegramTurnStatus;
  delivered: boolean;
  /** The user's voice note, relative to the data directory. */
  audioPath: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface TelegramChatSummary {
  chatId: number;
  userName: string | null;
  turns: number;
  lastAt: number;
}

export interface TelegramTurnStore {
  /** Inserts the turn unless (botId, updateId) exists; returns the stored one either way. */
  claim(turn: TelegramTurnRecord): Promise<{ turn: TelegramTurnRecord; created: boolean }>;
  update(id: string, patch: Partial<Omit<TelegramTurnRecord, 'id' | 'botId' | 'updateId'>>): Promise<void>;
  findById(id: string): Promise<TelegramTurnRecord | null>;
  findByUpdate(botId: string, updateId: number): Promise<TelegramTurnRecord | null>;
  chats(botId: string, limit: number): Promise<TelegramChatSummary[]>;
  turns(botId: string, chatId: number, limit: number): Promise<TelegramTurnRecord[]>;
  /** Turns by status since `sinceMs` (usage, refusals). */
  count(botId: string, filter: { status?: TelegramTurnStatus; sinceMs?: number }): Promise<number>;
}

/** Updates received from Telegram (polling or webhook), kept until handled and a while after. */
export interface TelegramInboxStore {
  /** False when this update id was already received (Telegram delivered it again). */
  add(botId: string, updateId: number, payload: unknown, at: number): Promise<boolean>;
  /** Not yet handled, oldest first. */
  pending(botId: string, limit: number): Promise<Array<{ updateId: number; payload: unknown }>>;
  done(botId: string, updateId: number, at: number): Promise<void>;
  /** Forgets handled updates older than `beforeMs`. */
  prune(beforeMs: number): Promise<number>;
}

export type TelegramSubscriberStatus = 'active' | 'unsubscribed' | 'blocked';

/** Someone who pressed /start in a private chat with a bot. */
export interface TelegramSubscriberRecord {
  botId: string;
  chatId: number;
  userId: number | null;
  userName: string | null;
  language: string | null;
  source: string | null;
  status: TelegramSubscriberStatus;
  /** The sales-funnel segment the subscriber's answers put them in (null: none yet). */
  segment?: string | null;
  /** The funnel step the subscriber is on (null: not in a funnel). */
  funnelStep?: string | null;
  /** When the subscriber last pressed, wrote or paid anything (null: nothing since /start). */
  lastActivityAt?: number | null;
  subscribedAt: number;
  updatedAt: number;
}

/** What a subscriber did or was sent, for the funnel's analytics (step shown/answered, offer shown, paid, …). */
export interface TelegramEventRecord {
  botId: string;
  chatId: number;
  /** e.g. `step.shown`, `step.answered`, `segment.assigned`, `offer.shown`, `invoice.sent`, `paid`, `followup.sent`. */
  type: string;
  step: string | null;
  segment: string | null;
  source: string | null;
  /** The A/B variant the subscriber saw, when the message had variants. */
  variant: string | null;
  data: Record<string, unknown> | null;
  /** Set for events that must exist once (a follow-up sent, a payment): a second record with the same key is ignored. */
  dedupeKey: string | null;
  at: number;
}

export interface TelegramEventFilter {
  sinceMs?: number;
  untilMs?: number;
  types?: string[];
}

export interface TelegramEventStore {
  /** Stores the event; false when one with the same `dedupeKey` exists already (nothing is stored then). */
  record(event: TelegramEventRecord): Promise<boolean>;
  list(botId: string, filter?: TelegramEventFilter): Promise<Array<TelegramEventRecord & { id: number }>>;
}

export interface TelegramSubscriberStore {
  /** Inserts, or (a second /start) makes active again and keeps the first source. */
  upsert(subscriber: TelegramSubscriberRecord): Promise<void>;
  setStatus(botId: string, chatId: number, status: TelegramSubscriberStatus, at: number): Promise<void>;
  list(botId: string): Promise<TelegramSubscriberRecord[]>;
  get(botId: string, chatId: number): Promise<TelegramSubscriberRecord | null>;
  /** The funnel's marks on a subscriber (follow-ups and broadcasts select on them). */
  setFunnel(
    botId: string,
    chatId: number,
    patch: { segment?: string | null; funnelStep?: string | null; lastActivityAt?: number },
  ): Promise<void>;
}
