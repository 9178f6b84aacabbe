import type { BotState } from './bot-state.js';

const FIRST_RETRY_MS = 50;
const MAX_RETRY_MS = 2000;
const DELIVERY_TIMEOUT_MS = 10_000;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * Pushes a bot's pending updates to its webhook one at a time, in order, like Telegram: an update is forgotten once
 * the endpoint answers 2xx; any other answer (or no answer) is retried with a growing delay.
 */
export class WebhookDelivery {
  private readonly stopper = new AbortController();
  private running = false;

  constructor(private readonly bot: BotState) {}

  kick(): void {
    if (this.running || this.stopper.signal.aborted) return;
    this.running = true;
    void this.drain().finally(() => (this.running = false));
  }

  stop(): void {
    this.stopper.abort();
  }

  private async drain(): Promise<void> {
    let delayMs = FIRST_RETRY_MS;
    for (;;) {
      const webhook = this.bot.webhook;
      const update = this.bot.pending()[0];
      if (!webhook || !update || this.stopper.signal.aborted) return;
      const error = await this.post(webhook.url, webhook.secretToken, update);
      if (error === undefined) {
        this.bot.confirm(update.update_id + 1);
        delayMs = FIRST_RETRY_MS;
        continue;
      }
      this.bot.lastWebhookError = { date: Math.floor(Date.now() / 1000), message: error };
      await sleep(delayMs, this.stopper.signal);
      delayMs = Math.min(delayMs * 2, MAX_RETRY_MS);
    }
  }

  /** Undefined when delivered, else the reason (as getWebhookInfo's last_error_message). */
  private async post(url: string, secretToken: string | undefined, update: unknown): Promise<string | undefined> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (secretToken) headers['x-telegram-bot-api-secret-token'] = secretToken;
    const signal = AbortSignal.any([this.stopper.signal, AbortSignal.timeout(DELIVERY_TIMEOUT_MS)]);
    try {
      const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(update), signal });
      await response.arrayBuffer();
      return response.ok ? undefined : `Wrong response from the webhook: ${response.status} ${response.statusText}`;
    } catch (error) {
      return `Connection failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
}
