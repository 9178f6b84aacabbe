import { AuthError, ForbiddenError, NotFoundError } from '../../errors.js';
import type { Clock } from '../clock.js';
import { mintSecret, newId, sha256Hex } from '../ids.js';
import { DEFAULT_APPEARANCE, type WidgetAppearance, type WidgetTokenRecord, type WidgetTokenStore } from './types.js';

export interface WidgetTokensServiceDeps {
  store: WidgetTokenStore;
  clock: Clock;
}

export interface NewWidgetToken {
  name: string;
  allowedOrigins?: string[] | undefined;
  route?: string | null | undefined;
  maxConcurrentSessions?: number | undefined;
  appearance?: WidgetAppearance | undefined;
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
 * What `acquire()` answers: a slot, or why there is none (`limit`: every slot in use; `revoked`: the token
 * was revoked between `verify()` and the upgrade).
 */
export type WidgetAcquireResult = { ok: true; slot: WidgetSlot } | { ok: false; reason: 'limit' | 'revoked' };

/**
 * Tokens look like `wt-<8 alphanumerics>_<43 base64url>`, shown once; the first part is kept in clear
 * as the visible prefix, the whole token only as a SHA-256 hash (256 random bits, like API keys).
 * They authenticate `GET /ws/voice` and the widget's chat API `/api/widget/*` (docs/widget.md) only.
 */
export function createWidgetTokensService(deps: WidgetTokensServiceDeps) {
  /**
   * Open voice sessions per token id (this process), each with the channel's callback that ends it; a token
   * without open sessions has no entry.
   */
  const open = new Map<string, Set<() => void>>();
  /** Tokens revoked by this process: a session verified just before its revocation is refused at `acquire()`. */
  const revokedHere = new Set<string>();

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
      appearance: { ...DEFAULT_APPEARANCE, ...input.appearance },
      createdAt: deps.clock(),
      lastUsedAt: null,
      revokedAt: null,
      createdBy: input.createdBy,
    };
    await deps.store.insert(record);
    return { token, record };
  }

  /** Changes the persona and the look of a token (revoked ones too: harmless, and the admin sees it). */
  async function update(
    id: string,
    patch: { route?: string | null | undefined; appearance?: WidgetAppearance | undefined },
  ): Promise<WidgetTokenRecord> {
    const record = await deps.store.findById(id);
    if (record === null) throw new NotFoundError('Widget token');
    const next = {
      route: patch.route === undefined ? record.route : patch.route,
      appearance: { ...record.appearance, ...patch.appearance },
    };
    await deps.store.update(id, next);
    return { ...record, ...next };
  }

  /** Revokes the token and ends its open voice sessions in this process (idempotent). */
  async function revoke(id: string): Promise<WidgetTokenRecord> {
    const record = await deps.store.findById(id);
    if (record === null) throw new NotFoundError('Widget token');
    const revokedAt = record.revokedAt ?? deps.clock();
    if (record.revokedAt === null) await deps.store.update(id, { revokedAt });
    revokedHere.add(id);
    // The sessions stop counting at once; their slots' later `release()` is then a no-op.
    const sessions = open.get(id);
    open.delete(id);
    for (const end of sessions ?? []) end();
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

  /**
   * Takes one of the token's concurrent-session slots for a session that `end()` closes when the token is
   * revoked; the channel calls `release()` when the session ends for any reason.
   */
  function acquire(record: WidgetTokenRecord, end: () => void): WidgetAcquireResult {
    if (revokedHere.has(record.id)) return { ok: false, reason: 'revoked' };
    const sessions = open.get(record.id) ?? new Set<() => void>();
    if (sessions.size >= record.maxConcurrentSessions) return { ok: false, reason: 'limit' };
    // A wrapper of its own, so the same callback registered twice still counts as two sessions.
    const entry = () => end();
    sessions.add(entry);
    open.set(record.id, sessions);
    return {
      ok: true,
      slot: {
        release() {
          if (!sessions.delete(entry)) return;
          if (sessions.size === 0 && open.get(record.id) === sessions) open.delete(record.id);
        },
      },
    };
  }

  return {
    create,
    update,
    revoke,
    verify,
    acquire,
    openSessions: (id: string) => open.get(id)?.size ?? 0,
    list: () => deps.store.list(),
  };
}

export type WidgetTokensService = ReturnType<typeof createWidgetTokensService>;
