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

/** Copies a request body for the audit log with secret values replaced. */
export function scrubDetails(value: unknown, depth = 0): unknown {
  if (depth > 4) return '[truncated]';
  if (Array.isArray(value)) return value.slice(0, 20).map((v) => scrubDetails(v, depth + 1));
  if (value === null || typeof value !== 'object') {
    return typeof value === 'string' && value.length > 500 ? `${value.slice(0, 500)}…` : value;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_FIELD.test(k) ? '[redacted]' : scrubDetails(v, depth + 1);
  return out;
}

export function createAuditService(store: AuditStore, clock: Clock) {
  return {
    async record(event: AuditEvent): Promise<void> {
      const details = event.details ? (scrubDetails(event.details) as Record<string, unknown>) : null;
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
