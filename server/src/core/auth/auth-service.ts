import { AuthError } from '../../errors.js';
import type { AuditService } from '../audit/audit-service.js';
import type { Clock } from '../clock.js';
import { newId, randomToken, sha256Hex } from '../ids.js';
import type { UserRecord, UserStore } from '../users/types.js';
import type { LoginThrottle } from './login-throttle.js';
import { dummyPasswordHash, verifyPassword } from './password.js';
import type { AccessTokenCodec } from './tokens.js';
import type { Principal, SessionRecord, SessionStore } from './types.js';

export interface AuthServiceDeps {
  users: UserStore;
  sessions: SessionStore;
  tokens: AccessTokenCodec;
  throttle: LoginThrottle;
  audit: AuditService;
  clock: Clock;
  refreshTokenTtlS: number;
}

export interface ClientInfo {
  ip: string;
  userAgent: string | null;
}

export interface IssuedTokens {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
  user: UserRecord;
  sessionId: string;
}

const REFRESH_PREFIX = 'rt_';

export function createAuthService(deps: AuthServiceDeps) {
  async function issue(user: UserRecord, session: SessionRecord, refreshToken: string): Promise<IssuedTokens> {
    const accessToken = await deps.tokens.sign(
      { userId: user.id, sessionId: session.id, role: user.role },
      deps.clock(),
    );
    return {
      accessToken,
      expiresIn: deps.tokens.ttlS,
      refreshToken,
      refreshExpiresIn: Math.round((session.expiresAt - deps.clock()) / 1000),
      user,
      sessionId: session.id,
    };
  }

  async function checkCredentials(username: string, password: string): Promise<UserRecord | null> {
    const user = await deps.users.findByUsername(username);
    const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
    return user !== null && ok ? user : null;
  }

  async function login(username: string, password: string, client: ClientInfo): Promise<IssuedTokens> {
    deps.throttle.assertAllowed(username, client.ip);
    const user = await checkCredentials(username, password);
    if (user === null) {
      deps.throttle.recordFailure(username, client.ip);
      await deps.audit.record({ action: 'auth.login_failed', actor: null, target: username, ip: client.ip });
      throw new AuthError('AUTH_INVALID_CREDENTIALS', 'Wrong username or password');
    }
    if (user.disabled) throw new AuthError('AUTH_USER_DISABLED', 'This account is disabled');
    deps.throttle.recordSuccess(username);
    const now = deps.clock();
    const refreshToken = REFRESH_PREFIX + randomToken();
    const session: SessionRecord = {
      id: newId(),
      userId: user.id,
      refreshHash: sha256Hex(refreshToken),
      createdAt: now,
      lastUsedAt: now,
      expiresAt: now + deps.refreshTokenTtlS * 1000,
      revokedAt: null,
      ip: client.ip,
      userAgent: client.userAgent?.slice(0, 256) ?? null,
    };
    await deps.sessions.insert(session);
    await deps.users.update(user.id, { lastLoginAt: now });
    await deps.audit.record({ action: 'auth.login', actor: user, target: user.id, ip: client.ip });
    return issue(user, session, refreshToken);
  }

  async function liveSession(session: SessionRecord | null): Promise<{ session: SessionRecord; user: UserRecord }> {
    if (session === null) throw new AuthError('AUTH_INVALID_TOKEN', 'Unknown session');
    if (session.revokedAt !== null) throw new AuthError('AUTH_SESSION_REVOKED', 'This session was signed out');
    if (session.expiresAt <= deps.clock()) throw new AuthError('AUTH_SESSION_REVOKED', 'This session expired');
    const user = await deps.users.findById(session.userId);
    if (user === null) throw new AuthError('AUTH_INVALID_TOKEN', 'Unknown user');
    if (user.disabled) throw new AuthError('AUTH_USER_DISABLED', 'This account is disabled');
    return { session, user };
  }

  /** Rotates the refresh token: the old one stops working at once. */
  async function refresh(refreshToken: string): Promise<IssuedTokens> {
    const found = await deps.sessions.findByRefreshHash(sha256Hex(refreshToken));
    const { session, user } = await liveSession(found);
    const next = REFRESH_PREFIX + randomToken();
    const now = deps.clock();
    await deps.sessions.update(session.id, { refreshHash: sha256Hex(next), lastUsedAt: now });
    return issue(user, { ...session, lastUsedAt: now }, next);
  }

  /** Verifies an access token and that its session and user are still valid (revocation is immediate). */
  async function authenticate(accessToken: string): Promise<Principal> {
    const claims = await deps.tokens.verify(accessToken, deps.clock());
    const { user } = await liveSession(await deps.sessions.findById(claims.sessionId));
    return { kind: 'user', userId: user.id, username: user.username, role: user.role, sessionId: claims.sessionId };
  }

  async function revokeSession(sessionId: string): Promise<void> {
    await deps.sessions.update(sessionId, { revokedAt: deps.clock() });
  }

  return { login, refresh, authenticate, revokeSession };
}

export type AuthService = ReturnType<typeof createAuthService>;
