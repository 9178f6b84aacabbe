import { In, LessThan, LessThanOrEqual, type DataSource } from 'typeorm';
import type { NotificationDeliveryStore, NotificationTargetStore } from '../../core/notifications/types.js';
import { NotificationDeliveryEntity, NotificationTargetEntity } from '../entities/notification.entity.js';

export function createNotificationTargetStore(db: DataSource): NotificationTargetStore {
  const repo = db.getRepository(NotificationTargetEntity);
  return {
    async insert(record) {
      await repo.insert(record);
    },
    list: () => repo.find({ order: { createdAt: 'ASC' } }),
    findById: (id) => repo.findOneBy({ id }),
    async update(id, patch) {
      await repo.update({ id }, patch);
    },
    async remove(id) {
      await repo.delete({ id });
    },
  };
}

export function createNotificationDeliveryStore(db: DataSource): NotificationDeliveryStore {
  const repo = db.getRepository(NotificationDeliveryEntity);
  return {
    async insertMany(records) {
      await repo.insert(records);
    },
    due: (now, limit) =>
      repo.find({
        where: [
          { status: 'pending', nextAttemptAt: LessThanOrEqual(now) },
          { status: 'sending', leaseUntil: LessThan(now) },
        ],
        order: { nextAttemptAt: 'ASC' },
        take: limit,
      }),
    async claim(row, _now, leaseUntil) {
      // Compare-and-swap on what was read: one claimer wins, on SQLite and PostgreSQL alike.
      const expected = row.status === 'sending' ? { leaseUntil: row.leaseUntil ?? 0 } : {};
      const where = { id: row.id, status: In([row.status]), attempts: row.attempts, ...expected };
      const result = await repo.update(where, { status: 'sending', leaseUntil });
      return result.affected === 1;
    },
    async update(id, patch) {
      await repo.update({ id }, patch);
    },
    async list({ status, limit, offset }) {
      const [items, total] = await repo.findAndCount({
        where: status === undefined ? {} : { status },
        order: { createdAt: 'DESC', id: 'DESC' },
        take: limit,
        skip: offset,
      });
      return { items, total };
    },
  };
}
