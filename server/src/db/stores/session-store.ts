import { IsNull, type DataSource } from 'typeorm';
import type { SessionStore } from '../../core/auth/types.js';
import { RetiredRefreshTokenEntity, SessionEntity } from '../entities/session.entity.js';

export function createSessionStore(db: DataSource): SessionStore {
  const repo = db.getRepository(SessionEntity);
  const retired = db.getRepository(RetiredRefreshTokenEntity);
  return {
    async insert(session) {
      await repo.insert(session);
    },
    findById: (id) => repo.findOneBy({ id }),
    findByRefreshHash: (refreshHash) => repo.findOneBy({ refreshHash }),
    listByUser: (userId) =>
      repo.find({ where: userId === null ? {} : { userId }, order: { lastUsedAt: 'DESC' }, take: 500 }),
    async update(id, patch) {
      await repo.update({ id }, patch);
    },
    async revokeAllForUser(userId, at) {
      const result = await repo.update({ userId, revokedAt: IsNull() }, { revokedAt: at });
      return result.affected ?? 0;
    },
    rotateRefresh: (id, { fromHash, toHash, at }) =>
      db.transaction(async (tx) => {
        const swapped = await tx
          .getRepository(SessionEntity)
          .update({ id, refreshHash: fromHash }, { refreshHash: toHash, lastUsedAt: at });
        if (swapped.affected !== 1) return false;
        await tx
          .getRepository(RetiredRefreshTokenEntity)
          .insert({ refreshHash: fromHash, sessionId: id, retiredAt: at });
        return true;
      }),
    async findByRetiredRefreshHash(refreshHash) {
      const row = await retired.findOneBy({ refreshHash });
      return row === null ? null : repo.findOneBy({ id: row.sessionId });
    },
    async forgetRetiredOfEndedSessions(now) {
      const ended = repo
        .createQueryBuilder('s')
        .select('s.id')
        .where('s.expires_at <= :now OR s.revoked_at IS NOT NULL', { now });
      await retired
        .createQueryBuilder()
        .delete()
        .where(`session_id IN (${ended.getQuery()})`)
        .setParameters(ended.getParameters())
        .execute();
    },
  };
}
