import type { CallDirection } from './types.js';

export type GsmCallStatus = 'ringing' | 'dialing' | 'active' | 'ended' | 'rejected' | 'missed' | 'failed';

export interface GsmCallRecord {
  id: string;
  direction: CallDirection;
  number: string | null;
  status: GsmCallStatus;
  task: string | null;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  endReason: string | null;
  dtmf: string;
  transcript: Array<{ role: 'caller' | 'secretary'; text: string; atMs: number }>;
  metrics: Record<string, number>;
  /** Paths relative to DATA_DIR. */
  recordingCaller: string | null;
  recordingSecretary: string | null;
}

export interface GsmCallStore {
  insert(record: GsmCallRecord): Promise<void>;
  update(id: string, patch: Partial<Omit<GsmCallRecord, 'id'>>): Promise<void>;
  get(id: string): Promise<GsmCallRecord | null>;
  /** Calls not yet ended (ringing, dialing, active): after a crash, the ones it cut. */
  listOpen(): Promise<GsmCallRecord[]>;
  list(query: { limit: number; offset: number }): Promise<{ items: GsmCallRecord[]; total: number }>;
}

export type GsmSmsStatus = 'received' | 'pending' | 'sent' | 'delivered' | 'failed';

export interface GsmSmsRecord {
  id: string;
  direction: 'in' | 'out';
  number: string;
  text: string;
  status: GsmSmsStatus;
  parts: number;
  /** TP-MR of each sent part, for matching delivery reports. */
  messageRefs: number[];
  /** Parts with a delivery report. */
  deliveredParts: number;
  error: string | null;
  createdAt: number;
  sentAt: number | null;
  deliveredAt: number | null;
  /** Received: the auto-reply outcome (`sent`, `limit_sender`, …); sent: `reply` for an auto-reply. */
  autoReply: string | null;
}

export interface GsmSmsPartRecord {
  id: string;
  pduHash: string;
  sender: string;
  reference: number | null;
  total: number;
  sequence: number;
  text: string;
  sentAtMs: number;
  receivedAt: number;
  messageId: string | null;
}

export interface GsmSmsStore {
  /** Inserts a received part; false when a part with the same PDU hash is already stored. */
  insertPart(part: GsmSmsPartRecord): Promise<boolean>;
  findPartByHash(hash: string): Promise<GsmSmsPartRecord | null>;
  /** Parts not yet assembled into a message. */
  pendingParts(): Promise<GsmSmsPartRecord[]>;
  /** Atomically inserts a message and links the parts to it. */
  assemble(message: GsmSmsRecord, partIds: string[]): Promise<void>;
  insertMessage(message: GsmSmsRecord): Promise<void>;
  updateMessage(id: string, patch: Partial<Omit<GsmSmsRecord, 'id'>>): Promise<void>;
  getMessage(id: string): Promise<GsmSmsRecord | null>;
  listMessages(query: {
    limit: number;
    offset: number;
    direction?: 'in' | 'out';
  }): Promise<{ items: GsmSmsRecord[]; total: number }>;
  /** Auto-replies (sent messages marked `reply`) since a time, to one number or to anyone. */
  countAutoReplies(query: { sinceMs: number; number?: string }): Promise<number>;
  /** Sent messages waiting for delivery reports, newest first. */
  awaitingDelivery(limit: number): Promise<GsmSmsRecord[]>;
}
