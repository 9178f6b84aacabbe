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

  /** Checks the password behind the throttle: a wrong one makes this address wait longer for this username. */
  async function verifiedUser(username: string, password: string, ip: string): Promise<UserRecord> {
    const attempt = await deps.throttle.begin(username, ip);
    try {
      const user = await checkCredentials(username, password);
      if (user === null) {
        await attempt.failed();
        await deps.audit.record({ action: 'auth.login_failed', actor: null, target: username, ip });
        throw new AuthError('AUTH_INVALID_CREDENTIALS', 'Wrong username or password');
      }
      await attempt.succeeded();
      return user;
    } finally {
      attempt.release();
    }
  }

  async function login(username: string, password: string, client: ClientInfo): Promise<IssuedTokens> {
    const user = await verifiedUser(username, password, client.ip);
    if (user.disabled) throw new AuthError('AUTH_USER_DISABLED', 'This account is disabled');
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

  /**
   * A rotated-away refresh token presented again means two parties hold copies of the session: the
   * whole session is revoked, so the copy and the newer tokens stop working alike.
   */
  async function revokeReused(session: SessionRecord): Promise<never> {
    if (session.revokedAt === null) {
      await deps.sessions.update(session.id, { revokedAt: deps.clock() });
      const actor = await deps.users.findById(session.userId);
      await deps.audit.record({ action: 'auth.refresh_reused', actor, target: session.id, ip: null });
    }
    throw new AuthError('AUTH_SESSION_REVOKED', 'This refresh token was already used; the session is signed out');
  }

  async function sessionOfRefreshToken(hash: string): Promise<SessionRecord> {
    const current = await deps.sessions.findByRefreshHash(hash);
    if (current !== null) return current;
    const retired = await deps.sessions.findByRetiredRefreshHash(hash);
    if (retired !== null) return revokeReused(retired);
    throw new AuthError('AUTH_INVALID_TOKEN', 'Unknown session');
  }

  /** Rotates the refresh token: the old one stops working at once, and reusing it ends the session. */
  async function refresh(refreshToken: string): Promise<IssuedTokens> {
    const hash = sha256Hex(refreshToken);
    const { session, user } = await liveSession(await sessionOfRefreshToken(hash));
    const next = REFRESH_PREFIX + randomToken();
    const now = deps.clock();
    const rotated = await deps.sessions.rotateRefresh(session.id, { fromHash: hash, toHash: sha256Hex(next), at: now });
    if (!rotated) return revokeReused(session); // a concurrent refresh with the same token won the swap
    await deps.sessions.forgetRetiredOfEndedSessions(now);
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
