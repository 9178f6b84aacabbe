import type { Message } from 'discord.js';

/** Messages of one user in one channel that arrived close together, answered as one turn. */
export interface Burst {
  messages: Message[];
  reason: 'mention' | 'reply' | 'dm' | 'channel';
}

/**
 * Joins one user's messages in one channel that come within `windowMs` of each other (each new one restarts
 * the window), then hands the burst on. A window of 0 hands each message on at once.
 */
export class BurstBuffer {
  private readonly open = new Map<string, { burst: Burst; timer: NodeJS.Timeout }>();

  constructor(
    private readonly windowMs: () => number,
    private readonly flush: (burst: Burst) => void,
  ) {}

  /** `alone`: hand this message on at once, by itself (catch-up after a restart: the window is long gone). */
  add(message: Message, reason: Burst['reason'], alone = false): void {
    if (alone) return this.flush({ messages: [message], reason });
    const key = `${message.channelId}:${message.author.id}`;
    const entry = this.open.get(key);
    if (entry) clearTimeout(entry.timer);
    const burst = entry?.burst ?? { messages: [], reason };
    burst.messages.push(message);
    const windowMs = this.windowMs();
    if (windowMs === 0 || burst.messages.length >= 50) return this.release(key, burst);
    this.open.set(key, { burst, timer: setTimeout(() => this.release(key, burst), windowMs) });
  }

  private release(key: string, burst: Burst): void {
    this.open.delete(key);
    this.flush(burst);
  }

  get size(): number {
    return this.open.size;
  }
}
