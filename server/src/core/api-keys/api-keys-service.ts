import { AuthError, NotFoundError, RateLimitError } from '../../errors.js';
import type { Principal } from '../auth/types.js';
import type { Clock } from '../clock.js';
import { newId, randomToken, sha256Hex } from '../ids.js';
import type { RateLimiter } from '../rate-limiter.js';
import type { UsersService } from '../users/users-service.js';
import type { ApiKeyRecord, ApiKeyStore } from './types.js';

export interface ApiKeysServiceDeps {
  store: ApiKeyStore;
  users: UsersService;
  limiter: RateLimiter;
  clock: Clock;
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

/**
 * Keys look like `sk-sec-<8 hex>_<43 base64url>`. The first part is stored in clear as the visible
 * prefix; the whole key is stored only as a SHA-256 hash (it carries 256 random bits, so a slow
 * password hash would add latency to every /v1 request and no security).
 */
export function createApiKeysService(deps: ApiKeysServiceDeps) {
  async function create(input: NewApiKey): Promise<{ key: string; record: ApiKeyRecord }> {
    await deps.users.get(input.ownerId);
    const prefix =
      KEY_PREFIX +
      randomToken(4)
        .replace(/[^A-Za-z0-9]/g, '')
        .slice(0, 4) +
      newId().slice(0, 4);
    const key = `${prefix}_${randomToken(32)}`;
    const record: ApiKeyRecord = {
      id: newId(),
      name: input.name,
      prefix,
      keyHash: sha256Hex(key),
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
    return { ...record, revokedAt };
  }

  /** Authenticates a `/v1` request and applies the key's rate limit. */
  async function verify(key: string): Promise<Principal> {
    const record = key.startsWith(KEY_PREFIX) ? await deps.store.findByHash(sha256Hex(key)) : null;
    if (record === null || record.revokedAt !== null) throw new AuthError('API_KEY_INVALID', 'Invalid API key');
    const owner = await deps.users.get(record.ownerId).catch(() => null);
    if (owner === null || owner.disabled) throw new AuthError('API_KEY_INVALID', 'Invalid API key');
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
