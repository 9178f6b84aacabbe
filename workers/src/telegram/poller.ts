import { GrammyError, HttpError, type Api } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from '../kit/logger.js';

/** Updates the bot handles (others are not fetched). */
export const ALLOWED_UPDATES = [
  'message',
  'edited_message',
  'callback_query',
  'my_chat_member',
  'pre_checkout_query',
] as const;
const POLL_TIMEOUT_S = 25;

export interface PollerOptions {
  api: Api;
  /** Stores the batch with the orchestrator; resolves once it is stored (then its offset may be confirmed). */
  store(updates: Update[]): Promise<void>;
  /** Telegram refused the token (401): the bot cannot go on. */
  onFatal(reason: string): void;
  logger: Logger;
}

/**
 * Long polling that loses nothing: each batch `getUpdates` returns is stored by the orchestrator before the
 * next call confirms it (`offset` = last id + 1), so a bot process killed at any moment leaves its updates
 * either unconfirmed at Telegram or stored. Network trouble and 5xx are retried with backoff (auto-retry
 * rides out 429 inside each call).
 */
export class LongPoller {
  private offset: number | undefined;
  private readonly controller = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(private readonly options: PollerOptions) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await this.loop?.catch(() => undefined);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.controller.signal.aborted) {
      try {
        await this.pollOnce();
        failures = 0;
      } catch (error) {
        if (this.controller.signal.aborted) return;
        if (error instanceof GrammyError && error.error_code === 401)
          return this.options.onFatal(`Telegram refused the token: ${error.description}`);
        failures++;
        const delayMs = Math.min(30_000, 500 * 2 ** Math.min(failures, 6));
        this.options.logger.warn({ err: describe(error), delayMs }, 'getUpdates failed; retrying');
        await sleep(delayMs, this.controller.signal);
      }
    }
  }

  private async pollOnce(): Promise<void> {
    const updates = await this.options.api.getUpdates(
      { offset: this.offset, timeout: POLL_TIMEOUT_S, limit: 100, allowed_updates: [...ALLOWED_UPDATES] },
      // grammY types its signal with the abort-controller polyfill's class; Node's is the same at runtime
      this.controller.signal as Parameters<Api['getUpdates']>[1],
    );
    if (updates.length === 0) return;
    await this.options.store(updates);
    this.offset = updates[updates.length - 1]!.update_id + 1;
  }
}

function describe(error: unknown): string {
  if (error instanceof GrammyError) return `${error.error_code} ${error.description}`;
  if (error instanceof HttpError) return `network: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}
