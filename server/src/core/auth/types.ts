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
