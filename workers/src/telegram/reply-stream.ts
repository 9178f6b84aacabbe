import { GrammyError, type Api } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { Logger } from '../kit/logger.js';
import { MAX_MESSAGE_CHARS, type FormattedPart } from './format.js';

/** Pauses between visible updates of a reply being written. */
export const DRAFT_INTERVAL_MS = 300;
export const EDIT_INTERVAL_MS = 1000;
/** Telegram shows `typing` for about 5 s per chat action. */
const TYPING_INTERVAL_MS = 4500;

type Mode = { kind: 'draft'; draftId: number } | { kind: 'edit'; messageId: number | null };

/** Drafts are refused by servers before Bot API 9.5 (404) and outside private chats (400). */
function draftRefused(error: unknown): boolean {
  return error instanceof GrammyError && (error.error_code === 404 || error.error_code === 400);
}

let lastDraftId = 0;
/** Non-zero and distinct per reply (a reused id animates the old draft). */
function nextDraftId(): number {
  lastDraftId = (lastDraftId % 2_000_000_000) + 1;
  return lastDraftId;
}

/**
 * Shows a reply while the model writes it: `sendMessageDraft` in private chats, else (or once drafts are
 * refused) a message edited at most once a second, skipping identical text; a `typing` action until the
 * first text. `finish` sends the final text with `sendMessage` (drafts are previews only) and returns the
 * ids of the messages that hold the reply.
 */
export class ReplyStream {
  private text = '';
  private shown = '';
  private mode: Mode;
  private timer: NodeJS.Timeout | undefined;
  private typing: NodeJS.Timeout | undefined;
  private lastShownAt = 0;
  private pending: Promise<void> = Promise.resolve();
  private closed = false;
  /** Milliseconds from creation to the first visible text (a draft or a message), for the bot's metrics. */
  firstVisibleMs: number | undefined;
  private readonly startedAt = performance.now();

  constructor(
    private readonly api: Api,
    private readonly chatId: number,
    draftable: boolean,
    private readonly logger: Logger,
  ) {
    this.mode = draftable ? { kind: 'draft', draftId: nextDraftId() } : { kind: 'edit', messageId: null };
    this.startTyping();
  }

  /** More text from the model. */
  push(delta: string): void {
    if (this.closed) return;
    this.text += delta;
    this.schedule();
  }

  private get intervalMs(): number {
    return this.mode.kind === 'draft' ? DRAFT_INTERVAL_MS : EDIT_INTERVAL_MS;
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastShownAt + this.intervalMs - performance.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pending = this.pending.then(() => this.show()).catch((error: unknown) => this.onShowError(error));
    }, wait);
  }

  private async show(): Promise<void> {
    const text = this.text.trim().slice(0, MAX_MESSAGE_CHARS);
    if (this.closed || !text || text === this.shown) return;
    this.lastShownAt = performance.now();
    if (this.mode.kind === 'draft') await this.api.sendMessageDraft(this.chatId, this.mode.draftId, text);
    else if (this.mode.messageId === null)
      this.mode.messageId = (await this.api.sendMessage(this.chatId, text)).message_id;
    else await this.api.editMessageText(this.chatId, this.mode.messageId, text);
    this.shown = text;
    this.firstVisibleMs ??= performance.now() - this.startedAt;
    this.stopTyping();
  }

  private onShowError(error: unknown): void {
    if (this.mode.kind === 'draft' && draftRefused(error)) {
      this.logger.info({ chatId: this.chatId }, 'drafts refused; editing a message instead');
      this.mode = { kind: 'edit', messageId: null };
      this.schedule();
      return;
    }
    // "message is not modified" and the like: the next update or the final text fixes it
    this.logger.debug({ err: error instanceof Error ? error.message : String(error) }, 'reply update failed');
  }

  private startTyping(): void {
    const act = () => void this.api.sendChatAction(this.chatId, 'typing').catch(() => undefined);
    act();
    this.typing = setInterval(act, TYPING_INTERVAL_MS);
  }

  private stopTyping(): void {
    clearInterval(this.typing);
    this.typing = undefined;
  }

  /** Stops showing anything (the reply was already delivered, or there is none). */
  cancel(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.stopTyping();
  }

  /** Sends the final reply (buttons under its last part); the message being edited (if any) becomes its first part. */
  async finish(parts: FormattedPart[], markup?: InlineKeyboardMarkup): Promise<number[]> {
    this.cancel();
    await this.pending;
    const ids: number[] = [];
    const [first, ...rest] = parts;
    if (!first) return ids;
    const extra = (part: FormattedPart, last: boolean) => ({
      entities: part.entities,
      ...(last && markup ? { reply_markup: markup } : {}),
    });
    const editing = this.mode.kind === 'edit' ? this.mode.messageId : null;
    if (editing !== null) {
      await this.editFinal(editing, first, rest.length === 0 ? markup : undefined);
      ids.push(editing);
    } else ids.push((await this.api.sendMessage(this.chatId, first.text, extra(first, rest.length === 0))).message_id);
    for (const [i, part] of rest.entries())
      ids.push((await this.api.sendMessage(this.chatId, part.text, extra(part, i === rest.length - 1))).message_id);
    this.firstVisibleMs ??= performance.now() - this.startedAt;
    return ids;
  }

  private async editFinal(messageId: number, part: FormattedPart, markup?: InlineKeyboardMarkup): Promise<void> {
    if (part.text === this.shown && part.entities.length === 0 && !markup) return;
    try {
      await this.api.editMessageText(this.chatId, messageId, part.text, {
        entities: part.entities,
        ...(markup ? { reply_markup: markup } : {}),
      });
    } catch (error) {
      if (!(error instanceof GrammyError && /not modified/i.test(error.description))) throw error;
    }
  }
}
