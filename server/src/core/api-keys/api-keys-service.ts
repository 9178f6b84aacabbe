import { AuthError, NotFoundError, RateLimitError } from '../../errors.js';
import type { Principal } from '../auth/types.js';
import type { Clock } from '../clock.js';
import { mintSecret, newId, sha256Hex } from '../ids.js';
import type { RateLimiter } from '../rate-limiter.js';
import type { UsersService } from '../users/users-service.js';
import type { UserRecord } from '../users/types.js';
import type { ApiKeyRecord, ApiKeyStore } from './types.js';

export interface ApiKeysServiceDeps {
  store: ApiKeyStore;
  users: UsersService;
  limiter: RateLimiter;
  clock: Clock;
  /**
   * How long a verified key (and its owner) is trusted without reading the database again. Changes made
   * through this process (revoke, owner disabled/demoted/deleted) take effect at once; changes made by
   * another process on the same database (the CLI) within this time. 0 turns the cache off.
   */
  verifyCacheMs?: number;
}

export interface NewApiKey {
  name: string;
  ownerId: string;
  rateLimitPerMinute?: number | null | undefined;
  createdBy: string | null;
}

const KEY_PREFIX = 'sk-sec-';
/** Touch last_used_at at most this often per key, so verification stays read-mostly. */
const LAST_USED_RESOLUTION_MS = 60_000;
const DEFAULT_VERIFY_CACHE_MS = 1_000;
const MAX_CACHED_KEYS = 10_000;

interface Verified {
  record: ApiKeyRecord;
  owner: UserRecord;
  until: number;
}

/**
 * Keys look like `sk-sec-<8 hex>_<43 base64url>`. The first part is stored in clear as the visible
 * prefix; the whole key is stored only as a SHA-256 hash (it carries 256 random bits, so a slow
 * password hash would add latency to every /v1 request and no security).
 */
export function createApiKeysService(deps: ApiKeysServiceDeps) {
  const cacheMs = deps.verifyCacheMs ?? DEFAULT_VERIFY_CACHE_MS;
  /** By key hash: the /v1 hot path costs no database round trip while an entry is fresh. */
  const verified = new Map<string, Verified>();
  const forget = (match: (entry: Verified) => boolean) => {
    for (const [hash, entry] of verified) if (match(entry)) verified.delete(hash);
  };
  deps.users.onChanged((userId) => forget((entry) => entry.owner.id === userId));

  async function create(input: NewApiKey): Promise<{ key: string; record: ApiKeyRecord }> {
    await deps.users.get(input.ownerId);
    const { secret: key, prefix, hash } = mintSecret(KEY_PREFIX);
    const record: ApiKeyRecord = {
      id: newId(),
      name: input.name,
      prefix,
      keyHash: hash,
      ownerId: input.ownerId,
      rateLimitPerMinute: input.rateLimitPerMinute ?? null,
      createdAt: deps.clock(),
      lastUsedAt: null,
      revokedAt: null,
      createdBy: input.createdBy,
    };
    await deps.store.insert(record);
    return { key, record };
  }

  async function revoke(id: string): Promise<ApiKeyRecord> {
    const record = await deps.store.findById(id);
    if (record === null) throw new NotFoundError('API key');
    const revokedAt = record.revokedAt ?? deps.clock();
    if (record.revokedAt === null) await deps.store.update(id, { revokedAt });
    forget((entry) => entry.record.id === id);
    return { ...record, revokedAt };
  }

  /** Authenticates a `/v1` request and applies the key's rate limit. */
  async function verify(key: string): Promise<Principal> {
    if (!key.startsWith(KEY_PREFIX)) throw new AuthError('API_KEY_INVALID', 'Invalid API key');
    const { record, owner } = await lookup(sha256Hex(key));
    enforceRateLimit(record);
    await touch(record);
    return {
      kind: 'api-key',
      userId: owner.id,
      username: owner.username,
      role: owner.role,
      apiKeyId: record.id,
      rateLimitPerMinute: record.rateLimitPerMinute,
    };
  }

  /** The key's record and owner, from the cache while fresh; refused keys are never cached. */
  async function lookup(hash: string): Promise<{ record: ApiKeyRecord; owner: UserRecord }> {
    const now = deps.clock();
    const cached = verified.get(hash);
    if (cached !== undefined && cached.until > now) return cached;
    verified.delete(hash);
    const record = await deps.store.findByHash(hash);
    if (record === null || record.revokedAt !== null) throw new AuthError('API_KEY_INVALID', 'Invalid API key');
    const owner = await deps.users.get(record.ownerId).catch(() => null);
    if (owner === null || owner.disabled) throw new AuthError('API_KEY_INVALID', 'Invalid API key');
    if (cacheMs > 0) {
      if (verified.size >= MAX_CACHED_KEYS) verified.clear();
      verified.set(hash, { record, owner, until: now + cacheMs });
    }
    return { record, owner };
  }

  function enforceRateLimit(record: ApiKeyRecord): void {
    if (record.rateLimitPerMinute === null) return;
    const waitS = deps.limiter.take(`api-key:${record.id}`, record.rateLimitPerMinute);
    if (waitS > 0) {
      throw new RateLimitError(
        'RATE_LIMITED',
        `Rate limit of ${record.rateLimitPerMinute} requests per minute reached`,
        waitS,
      );
    }
  }

  async function touch(record: ApiKeyRecord): Promise<void> {
    const now = deps.clock();
    if (record.lastUsedAt === null || now - record.lastUsedAt > LAST_USED_RESOLUTION_MS) {
      record.lastUsedAt = now; // the cached copy too, so a hot key is not written on every request
      await deps.store.update(record.id, { lastUsedAt: now });
    }
  }

  return {
    create,
    revoke,
    verify,
    list: (ownerId: string | null) => deps.store.list(ownerId),
    findById: (id: string) => deps.store.findById(id),
  };
}

export type ApiKeysService = ReturnType<typeof createApiKeysService>;
