import type { Clock } from '../clock.js';
import type { AuditQuery, AuditRecord, AuditStore } from './types.js';

export interface AuditEvent {
  action: string;
  actor: { id: string; username: string } | null;
  target?: string | null;
  ip?: string | null;
  statusCode?: number | null;
  details?: Record<string, unknown> | null;
}

const SECRET_FIELD = /pass|secret|token|key$|apikey|authorization/i;

/** The most one audit entry's details keep, whatever a request body holds (a refused body included). */
export const AUDIT_DETAILS_LIMITS = {
  depth: 4,
  keysPerObject: 50,
  itemsPerArray: 20,
  keyChars: 100,
  stringChars: 500,
  /** Serialized JSON, `truncated` marker included. */
  bytes: 4096,
} as const;

const MARKER_BYTES = '"truncated":true,'.length;

interface Budget {
  bytesLeft: number;
  truncated: boolean;
}

const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value) ?? 'null');

/** Charges `bytes` to the budget; false (and marked truncated) when they no longer fit. */
function spend(budget: Budget, bytes: number): boolean {
  if (bytes > budget.bytesLeft) {
    budget.truncated = true;
    return false;
  }
  budget.bytesLeft -= bytes;
  return true;
}

function scrubLeaf(value: unknown, budget: Budget): unknown {
  if (typeof value !== 'string' || value.length <= AUDIT_DETAILS_LIMITS.stringChars) return value;
  budget.truncated = true;
  return `${value.slice(0, AUDIT_DETAILS_LIMITS.stringChars)}…`;
}

function scrubArray(value: unknown[], depth: number, budget: Budget): unknown[] {
  if (value.length > AUDIT_DETAILS_LIMITS.itemsPerArray) budget.truncated = true;
  const out: unknown[] = [];
  for (const item of value.slice(0, AUDIT_DETAILS_LIMITS.itemsPerArray)) {
    const scrubbed = scrubWithin(item, depth + 1, budget);
    if (scrubbed === undefined || !spend(budget, 1)) break;
    out.push(scrubbed);
  }
  return out;
}

function scrubObject(value: object, depth: number, budget: Budget): Record<string, unknown> {
  const entries = Object.entries(value);
  if (entries.length > AUDIT_DETAILS_LIMITS.keysPerObject) budget.truncated = true;
  const out: Record<string, unknown> = {};
  for (const [rawKey, v] of entries.slice(0, AUDIT_DETAILS_LIMITS.keysPerObject)) {
    const key = rawKey.length > AUDIT_DETAILS_LIMITS.keyChars ? rawKey.slice(0, AUDIT_DETAILS_LIMITS.keyChars) : rawKey;
    if (key !== rawKey) budget.truncated = true;
    if (!spend(budget, jsonBytes(key) + 2)) break;
    const scrubbed = SECRET_FIELD.test(rawKey)
      ? scrubWithin('[redacted]', depth, budget)
      : scrubWithin(v, depth + 1, budget);
    if (scrubbed === undefined) break;
    out[key] = scrubbed;
  }
  return out;
}

/** The scrubbed copy, or undefined when not even its first byte fits the budget. */
function scrubWithin(value: unknown, depth: number, budget: Budget): unknown {
  if (depth > AUDIT_DETAILS_LIMITS.depth) {
    budget.truncated = true;
    return scrubWithin('[truncated]', 0, budget);
  }
  if (value !== null && typeof value === 'object') {
    if (!spend(budget, 2)) return undefined;
    return Array.isArray(value) ? scrubArray(value, depth, budget) : scrubObject(value, depth, budget);
  }
  const leaf = scrubLeaf(value, budget);
  return spend(budget, jsonBytes(leaf)) ? leaf : undefined;
}

/**
 * Copies a request body for the audit log with secret values replaced, bounded in depth, keys,
 * items, string length and total size; `truncated: true` says something was left out.
 */
export function scrubDetails(details: Record<string, unknown>): Record<string, unknown> {
  const budget: Budget = { bytesLeft: AUDIT_DETAILS_LIMITS.bytes - MARKER_BYTES, truncated: false };
  const out = (scrubWithin(details, 0, budget) ?? {}) as Record<string, unknown>;
  return budget.truncated ? { ...out, truncated: true } : out;
}

export function createAuditService(store: AuditStore, clock: Clock) {
  return {
    async record(event: AuditEvent): Promise<void> {
      const details = event.details ? scrubDetails(event.details) : null;
      await store.insert({
        at: clock(),
        actorId: event.actor?.id ?? null,
        actorName: event.actor?.username ?? null,
        action: event.action,
        target: event.target?.slice(0, 256) ?? null,
        ip: event.ip ?? null,
        statusCode: event.statusCode ?? null,
        details,
      });
    },
    list(query: AuditQuery): Promise<{ items: AuditRecord[]; total: number }> {
      return store.list(query);
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
