import type {
  NotificationDeliveryStatus,
  NotificationEvent,
  NotificationTargetKind,
  QuietHours,
} from '@ai-secretary/protocol';

export type { NotificationDeliveryStatus, NotificationEvent, NotificationTargetKind, QuietHours };

/** Non-secret settings of each kind (the secret part is sealed in `secretSealed`). */
export type TargetSettings =
  | { kind: 'telegram'; botId: string; chatId: string }
  | {
      kind: 'email';
      host: string;
      port: number;
      tls: 'tls' | 'starttls' | 'none';
      user: string;
      from: string;
      to: string[];
    }
  | { kind: 'ntfy'; url: string; topic: string }
  | { kind: 'discord-webhook'; urlHint: string };

export interface NotificationTargetRecord {
  id: string;
  name: string;
  kind: NotificationTargetKind;
  enabled: boolean;
  events: NotificationEvent[];
  quietHours: QuietHours | null;
  urgent: boolean;
  language: 'ru' | 'en';
  settings: TargetSettings;
  /** Sealed with the SecretBox under `notification-target:<id>`: SMTP password, ntfy token, Discord URL. */
  secretSealed: string | null;
  createdAt: number;
  updatedAt: number;
}

/** What happened, with the facts the texts need (phone numbers and SMS text: PII, never logged). */
export type OwnerEvent =
  | {
      event: 'message.taken';
      callerName: string | null;
      callbackNumber: string | null;
      reason: string;
      channel: string;
    }
  | { event: 'call.missed'; number: string | null }
  | { event: 'call.voicemail'; number: string | null; durationS: number }
  | { event: 'sms.received'; number: string; text: string }
  | { event: 'process.failing'; processId: string; kind: string; reason: string }
  /** A sales bot was paid (`amount` formatted: `150 ⭐`, `499.00 ₽`). */
  | { event: 'payment.received'; product: string; amount: string; method: string; payer: string | null; bot: string };

export type TestEvent = { event: 'test' };

export interface NotificationDeliveryRecord {
  id: string;
  targetId: string;
  event: NotificationEvent;
  payload: OwnerEvent;
  status: NotificationDeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  /** While `sending`: past this the claim is taken to be lost (a crash) and the row is due again. */
  leaseUntil: number | null;
  lastError: string | null;
  createdAt: number;
  sentAt: number | null;
}

export interface NotificationTargetStore {
  insert(record: NotificationTargetRecord): Promise<void>;
  list(): Promise<NotificationTargetRecord[]>;
  findById(id: string): Promise<NotificationTargetRecord | null>;
  update(id: string, patch: Partial<Omit<NotificationTargetRecord, 'id'>>): Promise<void>;
  remove(id: string): Promise<void>;
}

export interface NotificationDeliveryStore {
  insertMany(records: NotificationDeliveryRecord[]): Promise<void>;
  /** Rows due now: pending past `nextAttemptAt`, or sending with an expired lease (oldest first). */
  due(now: number, limit: number): Promise<NotificationDeliveryRecord[]>;
  /** pending/expired-sending → sending with a lease; false when another claimer won. */
  claim(row: NotificationDeliveryRecord, now: number, leaseUntil: number): Promise<boolean>;
  update(id: string, patch: Partial<Omit<NotificationDeliveryRecord, 'id'>>): Promise<void>;
  list(query: { status?: NotificationDeliveryStatus; limit: number; offset: number }): Promise<{
    items: NotificationDeliveryRecord[];
    total: number;
  }>;
}

/** One rendered notification, the same for every kind. */
export interface OwnerNotice {
  title: string;
  body: string;
  /** ntfy priority 1..5 (5 = urgent). */
  priority: number;
  tags: string[];
}

/** Sends one notice to one target; throws (any error) when it did not get there. */
export type NoticeSender = (
  target: NotificationTargetRecord,
  secret: string | null,
  notice: OwnerNotice,
) => Promise<void>;

export type NoticeSenders = Partial<Record<NotificationTargetKind, NoticeSender>>;
