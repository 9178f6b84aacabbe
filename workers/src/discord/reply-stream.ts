import type { MessageCreateOptions, SendableChannels } from 'discord.js';
import type { Logger } from '../kit/logger.js';
import { MAX_MESSAGE_CHARS, splitMessage } from './format.js';

/** Pause between edits of a reply being written (Discord allows about 5 edits per 5 s per channel). */
export const EDIT_INTERVAL_MS = 1000;
/** Discord shows `typing` for about 10 s per trigger. */
const TYPING_INTERVAL_MS = 8000;
/**
 * `typing` only when no text is shown this soon: a fast answer then costs one request fewer, and every request
 * counts against the bot's global limit (50 a second), which is what delays replies when many users write at once.
 */
export const TYPING_DELAY_MS = 300;

/** Nothing the model writes pings anyone (`@everyone`, roles, users). */
const NO_MENTIONS = { parse: [] } as const;

/**
 * Shows a reply while the model writes it: `typing` (from TYPING_DELAY_MS on) until the first text, then one message (a reply to the
 * user's) edited at most once a second, identical text skipped. `finish` edits in the final first part and
 * sends the rest as further messages, each under 2000 characters; it returns the ids of the messages.
 */
export class ReplyStream {
  private text = '';
  private shown = '';
  private messageId: string | null = null;
  private timer: NodeJS.Timeout | undefined;
  private typing: NodeJS.Timeout | undefined;
  private typingSoon: NodeJS.Timeout | undefined;
  private lastShownAt = 0;
  private pending: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly channel: SendableChannels,
    private readonly replyTo: string,
    private readonly logger: Logger,
    /** The reply became visible in this message (reported so that a restarted process edits it on). */
    private readonly onShown: (messageId: string) => void = () => undefined,
  ) {
    this.startTyping();
  }

  /** Goes on with a message an earlier process began for this reply instead of sending a new one. */
  adopt(messageId: string): void {
    this.messageId ??= messageId;
  }

  private async edit(messageId: string, content: string): Promise<void> {
    await this.channel.messages.edit(messageId, { content, allowedMentions: NO_MENTIONS });
  }

  private async sendFirst(content: string): Promise<string> {
    const { id } = await this.channel.send(this.options(content, true));
    this.messageId = id;
    this.onShown(id);
    return id;
  }

  push(delta: string): void {
    if (this.closed) return;
    this.text += delta;
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastShownAt + EDIT_INTERVAL_MS - performance.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pending = this.pending.then(() => this.show()).catch((error: unknown) => this.onShowError(error));
    }, wait);
  }

  private options(content: string, first: boolean): MessageCreateOptions {
    const reply = first ? { reply: { messageReference: this.replyTo, failIfNotExists: false } } : {};
    return { content, allowedMentions: NO_MENTIONS, ...reply };
  }

  private async show(): Promise<void> {
    const text = this.text.trim().slice(0, MAX_MESSAGE_CHARS);
    if (this.closed || !text || text === this.shown) return;
    this.lastShownAt = performance.now();
    if (this.messageId === null) await this.sendFirst(text);
    else await this.edit(this.messageId, text);
    this.shown = text;
    this.stopTyping();
  }

  private onShowError(error: unknown): void {
    // the next update or the final text fixes it
    this.logger.debug({ err: error instanceof Error ? error.message : String(error) }, 'reply update failed');
  }

  private startTyping(): void {
    const act = () => void this.channel.sendTyping().catch(() => undefined);
    this.typingSoon = setTimeout(() => {
      act();
      this.typing = setInterval(act, TYPING_INTERVAL_MS);
    }, TYPING_DELAY_MS);
  }

  private stopTyping(): void {
    clearTimeout(this.typingSoon);
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

  /** Sends the final reply; the message being edited (if any) becomes its first part. */
  async finish(text: string): Promise<string[]> {
    this.cancel();
    await this.pending;
    const [first, ...rest] = splitMessage(text);
    if (first === undefined) return [];
    const ids = [await this.finalFirst(first)];
    for (const part of rest) ids.push((await this.channel.send(this.options(part, false))).id);
    return ids;
  }

  private async finalFirst(text: string): Promise<string> {
    if (this.messageId === null) return this.sendFirst(text);
    if (text !== this.shown) await this.edit(this.messageId, text);
    return this.messageId;
  }
}
