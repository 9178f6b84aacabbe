import type { OwnerCommand, OwnerCommandStatus } from '@ai-secretary/protocol';

export type { OwnerCommand, OwnerCommandStatus };

/** The channels whose bots take owner commands. */
export type OwnerChannel = 'discord' | 'telegram';

/** Who speaks: an owner of one bot, in one private chat. */
export interface OwnerActor {
  channel: OwnerChannel;
  botId: string;
  /** The DM channel (Discord) or private chat (Telegram) the prompt goes to. */
  chatId: string;
  /** The owner's user id on that channel. */
  userId: string;
  userName: string;
  language: 'en' | 'ru';
}

/**
 * A changing command the model proposed for an owner: `pending` until the owner presses a button, then
 * `confirmed` (the one press that won) → `executed` or `failed`; or `cancelled`, or `expired` (pressed too late).
 */
export interface OwnerCommandRecord {
  id: string;
  channel: OwnerChannel;
  botId: string;
  chatId: string;
  actorId: string;
  actorName: string;
  command: OwnerCommand;
  status: OwnerCommandStatus;
  /** What running it gave (or why it failed). */
  result: string | null;
  createdAt: number;
  updatedAt: number;
  expiresAt: number;
}

export interface OwnerCommandStore {
  insert(record: OwnerCommandRecord): Promise<void>;
  findById(id: string): Promise<OwnerCommandRecord | null>;
  /** Moves the command from `from` to `to` only if it is still in `from`: true for the one caller that did. */
  transition(
    id: string,
    from: OwnerCommandStatus,
    to: OwnerCommandStatus,
    patch: { result?: string | null; updatedAt: number },
  ): Promise<boolean>;
}
