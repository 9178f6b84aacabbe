import { NotFoundError } from '../../errors.js';
import type { Clock } from '../clock.js';
import { assertCanAccessUser } from '../users/users-service.js';
import type { Principal, SessionRecord, SessionStore } from './types.js';

export function createSessionsService(store: SessionStore, clock: Clock) {
  return {
    /** A user's sessions; admins may ask for everyone's (userId null). */
    async list(principal: Principal, userId: string | null): Promise<SessionRecord[]> {
      const target = userId ?? (principal.role === 'admin' ? null : principal.userId);
      if (target !== null) assertCanAccessUser(principal, target);
      return store.listByUser(target);
    },
    async revoke(principal: Principal, sessionId: string): Promise<SessionRecord> {
      const session = await store.findById(sessionId);
      // Someone else's session is reported as missing rather than forbidden: ids are not to be probed.
      if (session === null || (principal.role !== 'admin' && session.userId !== principal.userId)) {
        throw new NotFoundError('Session');
      }
      if (session.revokedAt === null) await store.update(sessionId, { revokedAt: clock() });
      return { ...session, revokedAt: session.revokedAt ?? clock() };
    },
  };
}

export type SessionsService = ReturnType<typeof createSessionsService>;
