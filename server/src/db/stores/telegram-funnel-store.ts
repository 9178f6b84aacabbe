import { IsNull, Not, type DataSource } from 'typeorm';
import type { TelegramFunnelProgressStore, TelegramFunnelStore } from '../../core/telegram/funnel/types.js';
import { TelegramFunnelEntity, TelegramFunnelProgressEntity } from '../entities/telegram-funnel.entity.js';

export function createTelegramFunnelStore(db: DataSource): TelegramFunnelStore {
  const repo = db.getRepository(TelegramFunnelEntity);
  return {
    latest: (botId) => repo.findOne({ where: { botId }, order: { version: 'DESC' } }),
    published: (botId) => repo.findOne({ where: { botId, publishedAt: Not(IsNull()) }, order: { version: 'DESC' } }),
    get: (botId, version) => repo.findOneBy({ botId, version }),
    async insert(record) {
      await repo.insert(record);
    },
    async updateDraft(botId, version, definition) {
      const result = await repo.update({ botId, version, publishedAt: IsNull() }, { definition });
      return (result.affected ?? 0) > 0;
    },
    async publish(botId, version, at) {
      const result = await repo.update({ botId, version, publishedAt: IsNull() }, { publishedAt: at });
      return (result.affected ?? 0) > 0;
    },
  };
}

export function createTelegramFunnelProgressStore(db: DataSource): TelegramFunnelProgressStore {
  const repo = db.getRepository(TelegramFunnelProgressEntity);
  return {
    get: (botId, chatId) => repo.findOneBy({ botId, chatId }),
    async put(record) {
      await repo.save(repo.create(record));
    },
    async markDelivered(botId, chatId, updateId) {
      await repo.update({ botId, chatId, lastUpdateId: updateId }, { delivered: true });
    },
    list: (botId) => repo.find({ where: { botId } }),
  };
}
