import { BotApiError, tooManyRequests } from './wire.js';

/** Methods that send a message to a chat (Telegram's flood limits count these). */
const SENDING_METHODS = new Set(['sendMessage', 'sendPhoto', 'sendVoice', 'sendAudio', 'sendDocument', 'copyMessage']);

export interface SendLimitsOptions {
  /** Sends per rolling second for the whole bot (Telegram: about 30 in bulk); null: no limit. */
  perBotPerSecond?: number | null;
  /** Sends per rolling second to one chat (Telegram: about 1); null: no limit. */
  perChatPerSecond?: number | null;
  /** Every n-th send that the limits admit answers 429 anyway (a flood-control hiccup); null: never. */
  inject429Every?: number | null;
  /** The `retry_after` of injected 429s, seconds. */
  injectedRetryAfterS?: number;
}

export interface SendLimitStats {
  /** Sends the limits let through (delivered, or refused with 403 for a blocked chat). */
  admitted: number;
  /** 429s for going over a limit. */
  overLimit: number;
  /** 429s injected by `inject429Every`. */
  injected: number;
  /** 403s to chats that blocked the bot. */
  forbidden: number;
  /** The most sends admitted in any rolling second. */
  peakPerSecond: number;
}

const forbidden = () => new BotApiError(403, 'Forbidden: bot was blocked by the user');

/**
 * Telegram's flood limits for one bot, as the fake enforces them: a per-bot and a per-chat rolling-second
 * budget answered with 429 and a `retry_after` (the seconds until the window has room), injected 429s, 403
 * for chats whose user blocked the bot, and a hook that runs after a message is stored but before the answer
 * is written (a test can kill the sender there: the user has the message, the sender never heard back).
 */
export class SendLimits {
  readonly blocked = new Set<number>();
  readonly stats: SendLimitStats = { admitted: 0, overLimit: 0, injected: 0, forbidden: 0, peakPerSecond: 0 };
  /** Awaited before the answer to a delivered send is written. */
  onDelivered: ((method: string, chatId: number) => Promise<void> | void) | undefined;
  private window: number[] = [];
  private readonly perChat = new Map<number, number[]>();
  private seen = 0;

  constructor(private options: SendLimitsOptions = {}) {}

  configure(options: SendLimitsOptions): void {
    this.options = { ...this.options, ...options };
  }

  /** The refusal for this send, or undefined when it may go (and is counted). */
  admit(method: string, chatId: unknown, now: number): BotApiError | undefined {
    if (!SENDING_METHODS.has(method)) return undefined;
    const { perBotPerSecond = 30, perChatPerSecond = 1, inject429Every = null } = this.options;
    this.window = this.window.filter((at) => now - at < 1000);
    if (perBotPerSecond !== null && this.window.length >= perBotPerSecond) return this.over(this.window[0]!, now);
    const chat = typeof chatId === 'number' ? chatId : Number(chatId);
    const chatWindow = (this.perChat.get(chat) ?? []).filter((at) => now - at < 1000);
    if (perChatPerSecond !== null && chatWindow.length >= perChatPerSecond) return this.over(chatWindow[0]!, now);
    if (inject429Every !== null && ++this.seen % inject429Every === 0) {
      this.stats.injected++;
      return tooManyRequests(this.options.injectedRetryAfterS ?? 1);
    }
    this.window.push(now);
    this.perChat.set(chat, [...chatWindow, now]);
    this.stats.admitted++;
    this.stats.peakPerSecond = Math.max(this.stats.peakPerSecond, this.window.length);
    if (this.blocked.has(chat)) {
      this.stats.forbidden++;
      return forbidden();
    }
    return undefined;
  }

  async delivered(method: string, chatId: unknown): Promise<void> {
    if (SENDING_METHODS.has(method)) await this.onDelivered?.(method, Number(chatId));
  }

  private over(oldest: number, now: number): BotApiError {
    this.stats.overLimit++;
    return tooManyRequests(Math.max(1, Math.ceil((oldest + 1000 - now) / 1000)));
  }
}
