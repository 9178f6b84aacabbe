import type { TelegramBotRecord } from '../types.js';

/** Callback data of the button that brings a subscriber back into the funnel (the funnel handles it). */
export const FUNNEL_RESUME_DATA = 'funnel:resume';

/** A message to one chat: text and at most one button (back into the funnel, or a link). */
export interface OutreachMessage {
  chatId: number;
  text: string;
  button: OutreachButton | null;
}

export type OutreachButton = { text: string; url: string } | { text: string; callbackData: string };

/**
 * What Telegram said to one send. `rate-limited`: a 429, nothing was delivered, try again after `retryAfterMs`
 * (Telegram's own `retry_after`, never a guess). `blocked`: a 403, the user blocked the bot or is gone.
 * `failed`: anything else; `retryable` for network errors and 5xx (the message may or may not have arrived).
 */
export type OutreachResult =
  | { status: 'sent'; messageId: number }
  | { status: 'blocked'; error: string }
  | { status: 'rate-limited'; retryAfterMs: number }
  | { status: 'failed'; error: string; retryable: boolean };

/** Sends one message through a bot's Bot API (channels/telegram/outreach-sender.ts). */
export interface OutreachPort {
  send(bot: TelegramBotRecord, message: OutreachMessage): Promise<OutreachResult>;
}

export interface FollowupRuleRecord {
  id: string;
  botId: string;
  name: string;
  /** The funnel step the subscriber must be on (null: any). */
  step: string | null;
  /** The segment the subscriber must be in (null: any). */
  segment: string | null;
  /** Hours after the last activity (or the previous follow-up of this rule) it is due. */
  afterHours: number;
  text: string;
  /** The button back into the funnel (`funnel:resume`). */
  buttonText: string;
  /** At most this many follow-ups of this rule per subscriber. */
  maxTimes: number;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

/**
 * One follow-up to one subscriber: the intent (`sending`) is committed before the send, the outcome after.
 * `unconfirmed`: a process died between the two; it is never sent again (see docs/follow-ups-and-broadcasts.md).
 */
export type OutreachSendStatus = 'sending' | 'sent' | 'unconfirmed' | 'blocked' | 'failed';

export interface FollowupSendRecord {
  id: string;
  ruleId: string;
  botId: string;
  chatId: number;
  /** 1 for the rule's first follow-up to this subscriber, 2 for the next… */
  occurrence: number;
  status: OutreachSendStatus;
  messageId: number | null;
  error: string | null;
  createdAt: number;
  sentAt: number | null;
  /** When the subscriber did something after it (recorded as `followup.answered`). */
  answeredAt: number | null;
}

export interface FollowupStore {
  insertRule(rule: FollowupRuleRecord): Promise<void>;
  rule(id: string): Promise<FollowupRuleRecord | null>;
  rules(botId: string): Promise<FollowupRuleRecord[]>;
  updateRule(id: string, patch: Partial<Omit<FollowupRuleRecord, 'id' | 'botId'>>): Promise<void>;
  removeRule(id: string): Promise<void>;
  /** Records the intent unless (rule, chat, occurrence) exists; the stored row and whether this call created it. */
  claimSend(send: FollowupSendRecord): Promise<{ send: FollowupSendRecord; created: boolean }>;
  updateSend(
    id: string,
    patch: Partial<Pick<FollowupSendRecord, 'status' | 'messageId' | 'error' | 'sentAt' | 'answeredAt'>>,
  ): Promise<void>;
  removeSend(id: string): Promise<void>;
  sends(botId: string): Promise<FollowupSendRecord[]>;
}

export type BroadcastStatus = 'draft' | 'sending' | 'done' | 'cancelled';

export interface BroadcastRecord {
  id: string;
  botId: string;
  text: string;
  buttonText: string | null;
  /** A link button; null with a `buttonText`: the button back into the funnel. */
  buttonUrl: string | null;
  /** Only subscribers in this segment (null: every active subscriber). */
  segment: string | null;
  status: BroadcastStatus;
  /** The last test send to the bot's admins (a broadcast starts only after one, of its current text). */
  testedAt: number | null;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

export type RecipientStatus = 'pending' | OutreachSendStatus;

export interface RecipientRecord {
  broadcastId: string;
  chatId: number;
  status: RecipientStatus;
  attempts: number;
  messageId: number | null;
  error: string | null;
  updatedAt: number;
}

export interface BroadcastStore {
  insert(broadcast: BroadcastRecord): Promise<void>;
  get(id: string): Promise<BroadcastRecord | null>;
  list(botId: string): Promise<BroadcastRecord[]>;
  update(id: string, patch: Partial<Omit<BroadcastRecord, 'id' | 'botId'>>): Promise<void>;
  remove(id: string): Promise<void>;
  /** Adds the recipients (a second call with the same chats adds nothing). */
  addRecipients(broadcastId: string, chatIds: number[], at: number): Promise<void>;
  /** Recipients in `status`, in chat order, at most `limit`. */
  recipients(broadcastId: string, status: RecipientStatus, limit: number): Promise<RecipientRecord[]>;
  /** Moves one recipient from `from` to `patch.status`; false when it was not in `from` (someone else has it). */
  moveRecipient(
    broadcastId: string,
    chatId: number,
    from: RecipientStatus,
    patch: Pick<RecipientRecord, 'status' | 'updatedAt'> &
      Partial<Pick<RecipientRecord, 'attempts' | 'messageId' | 'error'>>,
  ): Promise<boolean>;
  /** Every recipient in `from` last moved before `olderThan` goes to `to` (a dead run's intents become `unconfirmed`). */
  moveAll(
    broadcastId: string,
    from: RecipientStatus,
    to: RecipientStatus,
    at: number,
    olderThan: number,
  ): Promise<number>;
  /** Recipients per status, and how many needed more than one attempt (429s, retried failures). */
  counts(broadcastId: string): Promise<Record<RecipientStatus, number> & { retried: number }>;
}
