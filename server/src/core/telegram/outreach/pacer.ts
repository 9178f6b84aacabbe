import type { TelegramBotRecord } from '../types.js';
import type { OutreachMessage, OutreachPort, OutreachResult } from './types.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Spaces a bot's sends `1000 / perSecond` ms apart (Telegram allows about 30 a second in bulk) and holds them all
 * while a 429's `retry_after` runs: every sender of the bot waits, not only the one that was refused.
 */
export class SendPacer {
  private nextAt = 0;
  private pausedUntil = 0;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Resolves when this caller may send. */
  async take(): Promise<void> {
    for (;;) {
      const now = this.now();
      const at = Math.max(now, this.nextAt, this.pausedUntil);
      if (at <= now) {
        this.nextAt = now + 1000 / this.perSecond;
        return;
      }
      await sleep(at - now);
    }
  }

  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }
}

export interface PacedOutreach extends OutreachPort {
  /** Waits for the bot's turn (`take`), without sending. */
  turn(botId: string): Promise<void>;
  /** Sends at once (the caller took its turn); a 429 still holds the bot's sends. */
  sendNow(bot: TelegramBotRecord, message: OutreachMessage): Promise<OutreachResult>;
}

/** The port with one pacer per bot in front of it (follow-ups and broadcasts of a bot share it). */
export function pacedOutreach(port: OutreachPort, perSecond: number): PacedOutreach {
  const pacers = new Map<string, SendPacer>();
  const pacer = (botId: string) => {
    let found = pacers.get(botId);
    if (!found) pacers.set(botId, (found = new SendPacer(perSecond)));
    return found;
  };
  async function sendNow(bot: TelegramBotRecord, message: OutreachMessage): Promise<OutreachResult> {
    const result = await port.send(bot, message);
    if (result.status === 'rate-limited') pacer(bot.id).pause(result.retryAfterMs);
    return result;
  }
  return {
    turn: (botId) => pacer(botId).take(),
    sendNow,
    async send(bot, message) {
      await pacer(bot.id).take();
      return sendNow(bot, message);
    },
  };
}
