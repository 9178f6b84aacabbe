import type { Update } from 'grammy/types';
import type { Logger } from '../kit/logger.js';

/** The chat an update belongs to (updates of one chat are handled in order; chats run side by side). */
function chatKey(update: Update): string {
  const chat =
    update.message?.chat ??
    update.edited_message?.chat ??
    update.callback_query?.message?.chat ??
    update.my_chat_member?.chat ??
    update.channel_post?.chat;
  if (chat) return `chat:${chat.id}`;
  const from = update.callback_query?.from ?? update.inline_query?.from ?? update.pre_checkout_query?.from;
  return from ? `user:${from.id}` : 'other';
}

export interface DispatcherOptions {
  handle(update: Update): Promise<void>;
  /** The update is handled (or given up on): the orchestrator forgets it. */
  done(updateId: number): void;
  logger: Logger;
  /** Attempts per update before it is given up on (a handler that keeps failing). */
  attempts?: number;
  retryDelayMs?: number;
  /** Updates handled at once across all chats (the rest wait, stored): bounds the process's memory in a burst. */
  maxConcurrent?: number;
}

/** Default cap on updates in flight: a 1000-chat burst otherwise grew a bot past its 256 MB limit. */
export const MAX_CONCURRENT_UPDATES = 32;

/**
 * Runs stored updates as grammY handlers: one chat's updates in order, different chats concurrently, each
 * update once per process (the orchestrator sends unfinished ones again after a restart).
 */
export class UpdateDispatcher {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly seen = new Set<number>();
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly options: DispatcherOptions) {}

  get active(): number {
    return this.running;
  }

  push(update: Update): void {
    if (this.seen.has(update.update_id)) return;
    this.seen.add(update.update_id);
    if (this.seen.size > 10_000) this.seen.delete(this.seen.values().next().value!);
    const key = chatKey(update);
    const run = (this.chains.get(key) ?? Promise.resolve()).then(() => this.run(update));
    this.chains.set(key, run);
    void run.finally(() => {
      if (this.chains.get(key) === run) this.chains.delete(key);
    });
  }

  /** Waits for one of the `maxConcurrent` places. */
  private async acquire(): Promise<void> {
    if (this.running < (this.options.maxConcurrent ?? MAX_CONCURRENT_UPDATES)) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Hands the place to the next waiting update, or frees it. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }

  private async run(update: Update): Promise<void> {
    const attempts = this.options.attempts ?? 2;
    await this.acquire();
    try {
      for (let attempt = 1; attempt <= attempts; attempt++) {
        try {
          await this.options.handle(update);
          break;
        } catch (error) {
          const err = error instanceof Error ? error.message : String(error);
          this.options.logger.warn({ updateId: update.update_id, attempt, err }, 'update failed');
          if (attempt < attempts) await new Promise((r) => setTimeout(r, this.options.retryDelayMs ?? 2000));
        }
      }
      this.options.done(update.update_id);
    } finally {
      this.release();
    }
  }

  /** Resolves when every update pushed so far has finished, or after `timeoutMs`. */
  async idle(timeoutMs: number): Promise<void> {
    const all = Promise.allSettled([...this.chains.values()]);
    await Promise.race([all, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }
}
