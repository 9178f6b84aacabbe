import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { SecretBox } from '../secrets/secret-box.js';
import type { TakenMessage } from '../voice/ports.js';
import type { VoiceLogger } from '../voice/session-types.js';
import type { WebhookRecord, WebhooksStore } from './types.js';

export const SIGNATURE_HEADER = 'x-secretary-signature';
export const TIMESTAMP_HEADER = 'x-secretary-timestamp';
export const EVENT_HEADER = 'x-secretary-event';
export const DELIVERY_HEADER = 'x-secretary-delivery';

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`; the timestamp stops replays. */
export function signWebhook(secret: string, timestampS: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampS}.${body}`).digest('hex')}`;
}

/** What a receiver runs (also documented in docs/voice.md). */
export function verifyWebhook(secret: string, timestampS: number, body: string, signature: string): boolean {
  const expected = Buffer.from(signWebhook(secret, timestampS, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export const webhookSecretContext = (id: string) => `webhook:${id}`;

export interface WebhookDispatcherDeps {
  store: WebhooksStore;
  secrets: SecretBox;
  clock: () => number;
  timeoutMs: number;
  /** Attempts per delivery (1 = no retry). */
  attempts: number;
  retryDelayMs?: number;
  logger?: VoiceLogger;
  /** The HTTP client (the wiring gives one that refuses private addresses and follows no redirect). */
  fetch?: typeof fetch;
}

/** Drops a response body unread (a web stream is cancelled, a node stream destroyed). */
async function discardBody(response: Response): Promise<void> {
  const body = response.body as unknown as { cancel?: () => Promise<void>; destroy?: () => void } | null;
  if (body?.cancel) await body.cancel();
  else body?.destroy?.();
}

export function messagePayload(message: TakenMessage) {
  return {
    id: message.id,
    conversationId: message.conversationId,
    channel: message.channel,
    callerName: message.callerName,
    callbackNumber: message.callbackNumber,
    reason: message.reason,
    createdAt: new Date(message.createdAt).toISOString(),
  };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Announces taken messages to every enabled webhook, signed; failures are recorded, never thrown. */
export function createWebhookDispatcher(deps: WebhookDispatcherDeps) {
  async function post(hook: WebhookRecord, event: string, body: string): Promise<number> {
    const timestamp = Math.floor(deps.clock() / 1000);
    const secret = deps.secrets.decrypt(hook.secretSealed, webhookSecretContext(hook.id));
    const response = await (deps.fetch ?? fetch)(hook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'ai-secretary-webhooks/1',
        [EVENT_HEADER]: event,
        [DELIVERY_HEADER]: randomUUID(),
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: signWebhook(secret, timestamp, body),
      },
      body,
      signal: AbortSignal.timeout(deps.timeoutMs),
    });
    await discardBody(response);
    return response.status;
  }

  async function deliver(hook: WebhookRecord, event: string, data: unknown): Promise<boolean> {
    const body = JSON.stringify({ event, data });
    let lastError: string | null = null;
    let status: number | null = null;
    for (let attempt = 0; attempt < deps.attempts; attempt++) {
      if (attempt > 0) await wait((deps.retryDelayMs ?? 500) * 2 ** (attempt - 1));
      try {
        status = await post(hook, event, body);
        lastError = status >= 200 && status < 300 ? null : `HTTP ${status}`;
        if (lastError === null || status < 500) break;
      } catch (error) {
        lastError = error instanceof Error ? error.message.slice(0, 500) : 'delivery failed';
      }
    }
    await deps.store.update(hook.id, { lastDeliveryAt: deps.clock(), lastStatus: status, lastError });
    if (lastError !== null) deps.logger?.warn({ webhookId: hook.id, status }, 'webhook delivery failed');
    return lastError === null;
  }

  const listeners = new Set<(message: TakenMessage) => void>();
  /** Another announcer (owner notifications) hears each taken message first; it must not throw or block. */
  function onMessageTaken(listener: (message: TakenMessage) => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  async function messageTaken(message: TakenMessage): Promise<void> {
    for (const listener of listeners) {
      try {
        listener(message);
      } catch (error) {
        deps.logger?.error({ err: error }, 'taken-message listener failed');
      }
    }
    try {
      const hooks = (await deps.store.list()).filter(
        (h) => h.enabled && (h.event === 'message.taken' || h.event === '*'),
      );
      await Promise.all(hooks.map((hook) => deliver(hook, 'message.taken', messagePayload(message))));
    } catch (error) {
      deps.logger?.error({ err: error }, 'webhook dispatch failed');
    }
  }

  return { messageTaken, deliver, onMessageTaken };
}

export type WebhookDispatcher = ReturnType<typeof createWebhookDispatcher>;
