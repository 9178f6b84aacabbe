import { In, IsNull, MoreThanOrEqual, type DataSource } from 'typeorm';
import type { GsmCallStore, GsmSmsStore } from '../../core/gsm/store-types.js';
import { GsmCallEntity, GsmSmsEntity, GsmSmsPartEntity } from '../entities/gsm.entity.js';

export function createGsmCallStore(db: DataSource): GsmCallStore {
  const repo = db.getRepository(GsmCallEntity);
  return {
    async insert(record) {
      await repo.insert(repo.create(record));
    },
    async update(id, patch) {
      await repo.update({ id }, patch);
    },
    async get(id) {
      return repo.findOneBy({ id });
    },
    async listOpen() {
      return repo.find({ where: { status: In(['ringing', 'dialing', 'active']) }, order: { startedAt: 'ASC' } });
    },
    async list({ limit, offset }) {
      const [items, total] = await repo.findAndCount({ order: { startedAt: 'DESC' }, take: limit, skip: offset });
      return { items, total };
    },
  };
}

export function createGsmSmsStore(db: DataSource): GsmSmsStore {
  const messages = db.getRepository(GsmSmsEntity);
  const parts = db.getRepository(GsmSmsPartEntity);
  return {
    async insertPart(part) {
      await parts.createQueryBuilder().insert().values(part).orIgnore().execute();
      return (await parts.countBy({ id: part.id })) > 0;
    },
    async findPartByHash(hash) {
      return parts.findOneBy({ pduHash: hash });
    },
    async pendingParts() {
      return parts.find({ where: { messageId: IsNull() }, order: { receivedAt: 'ASC' } });
    },
    async assemble(message, partIds) {
      await db.transaction(async (manager) => {
        await manager.getRepository(GsmSmsEntity).insert(message);
        await manager.getRepository(GsmSmsPartEntity).update({ id: In(partIds) }, { messageId: message.id });
      });
    },
    async insertMessage(message) {
      await messages.insert(message);
    },
    async updateMessage(id, patch) {
      await messages.update({ id }, patch);
    },
    async getMessage(id) {
      return messages.findOneBy({ id });
    },
    async listMessages({ limit, offset, direction }) {
      const [items, total] = await messages.findAndCount({
        where: direction ? { direction } : {},
        order: { createdAt: 'DESC' },
        take: limit,
        skip: offset,
      });
      return { items, total };
    },
    async countAutoReplies({ sinceMs, number }) {
      return messages.countBy({
        direction: 'out',
        autoReply: 'reply',
        createdAt: MoreThanOrEqual(sinceMs),
        ...(number === undefined ? {} : { number }),
      });
    },
    async awaitingDelivery(limit) {
      return messages.find({ where: { direction: 'out', status: 'sent' }, order: { createdAt: 'DESC' }, take: limit });
    },
  };
}
