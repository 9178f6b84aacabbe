import { IsNull, type DataSource } from 'typeorm';
import type { SessionStore } from '../../core/auth/types.js';
import { SessionEntity } from '../entities/session.entity.js';

export function createSessionStore(db: DataSource): SessionStore {
  const repo = db.getRepository(SessionEntity);
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
  };
}
