import type { DataSource } from 'typeorm';
import type { Page, UserRecord, UserStore } from '../../core/users/types.js';
import { UserEntity } from '../entities/user.entity.js';

export function createUserStore(db: DataSource): UserStore {
  const repo = db.getRepository(UserEntity);
  return {
    findById: (id) => repo.findOneBy({ id }),
    findByUsername: (username) => repo.findOneBy({ username }),
    async list(page: Page) {
      const [items, total] = await repo.findAndCount({
        order: { createdAt: 'ASC' },
        take: page.limit,
        skip: page.offset,
      });
      return { items, total };
    },
    count: () => repo.count(),
    countActiveAdmins: () => repo.countBy({ role: 'admin', disabled: false }),
    async insert(user: UserRecord) {
      await repo.insert(user);
    },
    async update(id, patch) {
      await repo.update({ id }, patch);
    },
    async delete(id) {
      await repo.delete({ id });
    },
  };
}
