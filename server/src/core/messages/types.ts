import type { ConversationRecord, TakenMessage, TurnRecord } from '../voice/ports.js';

export interface MessageFilter {
  handled?: boolean;
  limit: number;
  offset: number;
}

/** Messages callers left (voice, later chat); read and marked handled from the admin. */
export interface MessagesStore {
  list(filter: MessageFilter): Promise<{ items: TakenMessage[]; total: number }>;
  findById(id: string): Promise<TakenMessage | null>;
  markHandled(id: string, handledBy: string, at: number): Promise<void>;
}

export interface ConversationsReadStore {
  list(limit: number, offset: number): Promise<{ items: ConversationRecord[]; total: number }>;
  findById(id: string): Promise<ConversationRecord | null>;
  turns(conversationId: string): Promise<TurnRecord[]>;
}

export interface WebhookRecord {
  id: string;
  url: string;
  /** Sealed with the SecretBox. */
  secretSealed: string;
  event: string;
  enabled: boolean;
  createdAt: number;
  createdBy: string | null;
  lastDeliveryAt: number | null;
  lastStatus: number | null;
  lastError: string | null;
}

export interface WebhooksStore {
  insert(record: WebhookRecord): Promise<void>;
  list(): Promise<WebhookRecord[]>;
  findById(id: string): Promise<WebhookRecord | null>;
  update(id: string, patch: Partial<Omit<WebhookRecord, 'id'>>): Promise<void>;
  remove(id: string): Promise<void>;
}
