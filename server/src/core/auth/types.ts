import type { Role } from '../users/types.js';

export interface SessionRecord {
  id: string;
  userId: string;
  refreshHash: string;
  createdAt: number;
  lastUsedAt: number;
  expiresAt: number;
  revokedAt: number | null;
  ip: string | null;
  userAgent: string | null;
}

export interface SessionStore {
  insert(session: SessionRecord): Promise<void>;
  findById(id: string): Promise<SessionRecord | null>;
  findByRefreshHash(hash: string): Promise<SessionRecord | null>;
  listByUser(userId: string | null): Promise<SessionRecord[]>;
  update(id: string, patch: Partial<Omit<SessionRecord, 'id' | 'userId'>>): Promise<void>;
  /** Marks every live session of a user revoked; returns how many. */
  revokeAllForUser(userId: string, at: number): Promise<number>;
  /**
   * Replaces the session's refresh hash if it is still `fromHash` and remembers the old one as retired;
   * false when another refresh swapped it first (the same token was presented twice).
   */
  rotateRefresh(id: string, rotation: { fromHash: string; toHash: string; at: number }): Promise<boolean>;
  /** The session a retired (already rotated) refresh token belonged to. */
  findByRetiredRefreshHash(hash: string): Promise<SessionRecord | null>;
  /** Forgets the retired refresh hashes of sessions that have expired or been revoked by `now`. */
  forgetRetiredOfEndedSessions(now: number): Promise<void>;
}

/** Failed logins from one address, for one username or ('') for every username together. */
export interface LoginFailureRecord {
  ip: string;
  username: string;
  failures: number;
  lastFailureAt: number;
}

export interface LoginFailureStore {
  /** The address-wide count and the (username, address) count, where present. */
  find(ip: string, username: string): Promise<LoginFailureRecord[]>;
  /** Adds one failure atomically; `restart` counts from 1 again (the previous failures have gone quiet). */
  recordFailure(ip: string, username: string, at: number, restart: boolean): Promise<void>;
  clear(ip: string, username: string): Promise<void>;
  /** Forgets this username's counts from every address; returns how many were cleared. */
  clearUsername(username: string): Promise<number>;
  /** Drops counts whose last failure is older than `at` (quiet for good). */
  forgetBefore(at: number): Promise<void>;
}

/** Who is making a request, after authentication. */
export interface Principal {
  kind: 'user' | 'api-key';
  userId: string;
  username: string;
  role: Role;
  sessionId?: string;
  apiKeyId?: string;
  rateLimitPerMinute?: number | null;
}
