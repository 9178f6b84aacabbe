import { AuthError, ForbiddenError, NotFoundError } from '../../errors.js';
import type { Clock } from '../clock.js';
import { mintSecret, newId, sha256Hex } from '../ids.js';
import type { WidgetTokenRecord, WidgetTokenStore } from './types.js';

export interface WidgetTokensServiceDeps {
  store: WidgetTokenStore;
  clock: Clock;
}

export interface NewWidgetToken {
  name: string;
  allowedOrigins?: string[] | undefined;
  route?: string | null | undefined;
  maxConcurrentSessions?: number | undefined;
  createdBy: string | null;
}

export const WIDGET_TOKEN_PREFIX = 'wt-';
export const DEFAULT_WIDGET_SESSIONS = 2;
/** Touch last_used_at at most this often per token. */
const LAST_USED_RESOLUTION_MS = 60_000;

export const isWidgetToken = (token: string): boolean => token.startsWith(WIDGET_TOKEN_PREFIX);

/** A held voice-session slot of a widget token; `release()` is idempotent. */
export interface WidgetSlot {
  release(): void;
}

/**
 * Tokens look like `wt-<8 alphanumerics>_<43 base64url>`, shown once; the first part is kept in clear
 * as the visible prefix, the whole token only as a SHA-256 hash (256 random bits, like API keys).
 * They authenticate `GET /ws/voice` only: nothing under /api or /v1 accepts them.
 */
export function createWidgetTokensService(deps: WidgetTokensServiceDeps) {
  /** Open voice sessions per token id (this process). */
  const open = new Map<string, number>();

  async function create(input: NewWidgetToken): Promise<{ token: string; record: WidgetTokenRecord }> {
    const { secret: token, prefix, hash } = mintSecret(WIDGET_TOKEN_PREFIX);
    const record: WidgetTokenRecord = {
      id: newId(),
      name: input.name,
      prefix,
      tokenHash: hash,
      allowedOrigins: [...new Set(input.allowedOrigins ?? [])],
      route: input.route ?? null,
      maxConcurrentSessions: input.maxConcurrentSessions ?? DEFAULT_WIDGET_SESSIONS,
      createdAt: deps.clock(),
      lastUsedAt: null,
      revokedAt: null,
      createdBy: input.createdBy,
    };
    await deps.store.insert(record);
    return { token, record };
  }

  async function revoke(id: string): Promise<WidgetTokenRecord> {
    const record = await deps.store.findById(id);
    if (record === null) throw new NotFoundError('Widget token');
    const revokedAt = record.revokedAt ?? deps.clock();
    if (record.revokedAt === null) await deps.store.update(id, { revokedAt });
    return { ...record, revokedAt };
  }

  /**
   * Checks a token and the browser's Origin before a WebSocket upgrade: unknown or revoked → 401,
   * an Origin outside a non-empty allow-list (or none at all) → 403.
   */
  async function verify(token: string, origin: string | undefined): Promise<WidgetTokenRecord> {
    if (!isWidgetToken(token)) throw new AuthError('WIDGET_TOKEN_INVALID', 'Invalid widget token');
    const record = await deps.store.findByHash(sha256Hex(token));
    if (record === null || record.revokedAt !== null) {
      throw new AuthError('WIDGET_TOKEN_INVALID', 'Invalid widget token');
    }
    if (record.allowedOrigins.length > 0 && (origin === undefined || !record.allowedOrigins.includes(origin))) {
      throw new ForbiddenError('This widget token is not allowed from this origin');
    }
    const now = deps.clock();
    if (record.lastUsedAt === null || now - record.lastUsedAt > LAST_USED_RESOLUTION_MS) {
      await deps.store.update(record.id, { lastUsedAt: now });
    }
    return record;
  }

  /** Takes one of the token's concurrent-session slots, or null when all are in use. */
  function acquire(record: WidgetTokenRecord): WidgetSlot | null {
    const used = open.get(record.id) ?? 0;
    if (used >= record.maxConcurrentSessions) return null;
    open.set(record.id, used + 1);
    let released = false;
    return {
      release() {
        if (released) return;
        released = true;
        const left = (open.get(record.id) ?? 1) - 1;
        if (left <= 0) open.delete(record.id);
        else open.set(record.id, left);
      },
    };
  }

  return {
    create,
    revoke,
    verify,
    acquire,
    openSessions: (id: string) => open.get(id) ?? 0,
    list: () => deps.store.list(),
  };
}

export type WidgetTokensService = ReturnType<typeof createWidgetTokensService>;
