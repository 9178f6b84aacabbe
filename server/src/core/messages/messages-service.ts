import { newId, randomToken } from '../ids.js';
import { NotFoundError } from '../../errors.js';
import type { OutboundPolicy } from '../net/outbound-policy.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { TakenMessage } from '../voice/ports.js';
import type { ConversationsReadStore, MessageFilter, MessagesStore, WebhookRecord, WebhooksStore } from './types.js';
import { webhookSecretContext } from './webhooks.js';

export interface MessagesServiceDeps {
  messages: MessagesStore;
  conversations: ConversationsReadStore;
  webhooks: WebhooksStore;
  secrets: SecretBox;
  clock: () => number;
  /** Refuses webhook URLs aimed at loopback, private or link-local addresses. */
  outbound?: OutboundPolicy;
}

/** Messages callers left, their conversations, and the webhooks that announce them. */
export function createMessagesService(deps: MessagesServiceDeps) {
  async function markHandled(id: string, userId: string): Promise<TakenMessage> {
    const message = await deps.messages.findById(id);
    if (message === null) throw new NotFoundError('Message');
    if (message.handledAt === null) await deps.messages.markHandled(id, userId, deps.clock());
    return (await deps.messages.findById(id))!;
  }

  async function conversation(id: string) {
    const record = await deps.conversations.findById(id);
    if (record === null) throw new NotFoundError('Conversation');
    return { conversation: record, turns: await deps.conversations.turns(id) };
  }

  async function createWebhook(input: { url: string; event?: string; secret?: string; createdBy: string }) {
    deps.outbound?.checkUrl(input.url);
    const id = newId();
    const secret = input.secret ?? randomToken(32);
    const record: WebhookRecord = {
      id,
      url: input.url,
      secretSealed: deps.secrets.encrypt(secret, webhookSecretContext(id)),
      event: input.event ?? 'message.taken',
      enabled: true,
      createdAt: deps.clock(),
      createdBy: input.createdBy,
      lastDeliveryAt: null,
      lastStatus: null,
      lastError: null,
    };
    await deps.webhooks.insert(record);
    return { record, secret };
  }

  async function removeWebhook(id: string): Promise<WebhookRecord> {
    const record = await deps.webhooks.findById(id);
    if (record === null) throw new NotFoundError('Webhook');
    await deps.webhooks.remove(id);
    return record;
  }

  return {
    list: (filter: MessageFilter) => deps.messages.list(filter),
    markHandled,
    conversations: (limit: number, offset: number) => deps.conversations.list(limit, offset),
    conversation,
    webhooks: () => deps.webhooks.list(),
    createWebhook,
    removeWebhook,
  };
}

export type MessagesService = ReturnType<typeof createMessagesService>;
