import type { ApiKeyView, AuditEntryView, SessionView, UserView } from '@ai-secretary/protocol';
import type { ApiKeyRecord } from '../../core/api-keys/types.js';
import type { AuditRecord } from '../../core/audit/types.js';
import type { SessionRecord } from '../../core/auth/types.js';
import { toIso } from '../../core/clock.js';
import type { UserRecord } from '../../core/users/types.js';

export function toUserView(user: UserRecord): UserView {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    disabled: user.disabled,
    createdAt: toIso(user.createdAt),
    updatedAt: toIso(user.updatedAt),
    lastLoginAt: toIso(user.lastLoginAt),
  };
}

export function toSessionView(session: SessionRecord, currentSessionId: string | undefined): SessionView {
  return {
    id: session.id,
    userId: session.userId,
    createdAt: toIso(session.createdAt),
    lastUsedAt: toIso(session.lastUsedAt),
    expiresAt: toIso(session.expiresAt),
    revokedAt: toIso(session.revokedAt),
    ip: session.ip,
    userAgent: session.userAgent,
    current: session.id === currentSessionId,
  };
}

export function toApiKeyView(key: ApiKeyRecord): ApiKeyView {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    ownerId: key.ownerId,
    rateLimitPerMinute: key.rateLimitPerMinute,
    createdAt: toIso(key.createdAt),
    lastUsedAt: toIso(key.lastUsedAt),
    revokedAt: toIso(key.revokedAt),
  };
}

export function toAuditView(entry: AuditRecord): AuditEntryView {
  return { ...entry, at: toIso(entry.at) };
}
