import type { HttpToolChannel, HttpToolMethod, HttpToolOutcome } from '@ai-secretary/protocol';

export type { HttpToolChannel, HttpToolMethod, HttpToolOutcome };

/** A header as stored: a plain value, or a value sealed with the SecretBox (never shown again). */
export interface StoredHeader {
  name: string;
  value: string | null;
  sealed: string | null;
}

/** One HTTP tool the owner connected (docs/http-tools.md). */
export interface HttpToolRecord {
  id: string;
  name: string;
  description: string;
  /** JSON Schema of the arguments object (checked when saved). */
  parameters: Record<string, unknown>;
  method: HttpToolMethod;
  urlTemplate: string;
  headers: StoredHeader[];
  timeoutMs: number;
  maxResponseBytes: number;
  responsePath: string | null;
  /** Empty: every persona. */
  personas: string[];
  /** Empty: every channel. */
  channels: HttpToolChannel[];
  sideEffects: boolean;
  allowPrivateNetwork: boolean;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

/** One call of a tool, as the call log keeps it. */
export interface HttpToolCallRecord {
  id: string;
  toolId: string;
  toolName: string;
  channel: string;
  route: string | null;
  /** The model's arguments (cut to 2,000 characters). */
  arguments: string;
  outcome: HttpToolOutcome;
  httpStatus: number | null;
  latencyMs: number;
  error: string | null;
  createdAt: number;
}

export interface HttpToolStore {
  list(): Promise<HttpToolRecord[]>;
  get(id: string): Promise<HttpToolRecord | null>;
  /** Inserts or replaces; a name another tool has throws the store's unique-violation (mapped to 409). */
  save(record: HttpToolRecord): Promise<void>;
  remove(id: string): Promise<boolean>;
  addCall(call: HttpToolCallRecord): Promise<void>;
  /** Newest first. */
  calls(toolId: string, limit: number): Promise<HttpToolCallRecord[]>;
}
