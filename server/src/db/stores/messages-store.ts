import { IsNull, Not, type DataSource } from 'typeorm';
import type { MessagesStore, WebhooksStore } from '../../core/messages/types.js';
import { TakenMessageEntity } from '../entities/taken-message.entity.js';
import { WebhookEntity } from '../entities/webhook.entity.js';

export function createMessagesStore(db: DataSource): MessagesStore {
  const repo = db.getRepository(TakenMessageEntity);
  return {
    async list({ handled, limit, offset }) {
      const where = handled === undefined ? {} : { handledAt: handled ? Not(IsNull()) : IsNull() };
      const [items, total] = await repo.findAndCount({
        where,
        order: { createdAt: 'DESC' },
        take: limit,
        skip: offset,
      });
      return { items, total };
    },
    findById: (id) => repo.findOneBy({ id }),
    async markHandled(id, handledBy, at) {
      await repo.update({ id }, { handledBy, handledAt: at });
    },
  };
}

export function createWebhooksStore(db: DataSource): WebhooksStore {
  const repo = db.getRepository(WebhookEntity);
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
