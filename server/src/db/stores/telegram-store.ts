import { claimRow } from '../claim-row.js';
import { IsNull, LessThan, MoreThanOrEqual, Not, type DataSource } from 'typeorm';
import type {
  TelegramBotStore,
  TelegramEventStore,
  TelegramInboxStore,
  TelegramSubscriberStore,
  TelegramTurnStore,
} from '../../core/telegram/types.js';
import {
  TelegramBotEntity,
  TelegramEventEntity,
  TelegramInboxEntity,
  TelegramSubscriberEntity,
  TelegramTurnEntity,
} from '../entities/telegram.entity.js';

export function createTelegramBotStore(db: DataSource): TelegramBotStore {
  const repo = db.getRepository(TelegramBotEntity);
  return {
    async insert(bot) {
      await repo.insert(bot);
    },
    findById: (id) => repo.findOneBy({ id }),
    list: () => repo.find({ order: { createdAt: 'ASC' } }),
    async update(id, patch) {
      await repo.update({ id }, patch);
    },
    async remove(id) {
      await repo.delete({ id });
    },
  };
}

export function createTelegramTurnStore(db: DataSource): TelegramTurnStore {
  const repo = db.getRepository(TelegramTurnEntity);
  return {
    async claim(turn) {
      const { row, created } = await claimRow(repo, { botId: turn.botId, updateId: turn.updateId }, turn);
      return { turn: row, created };
    },
    async update(id, patch) {
      await repo.update({ id }, patch);
    },
    findById: (id) => repo.findOneBy({ id }),
    findByUpdate: (botId, updateId) => repo.findOneBy({ botId, updateId }),
    async chats(botId, limit) {
      const rows = await repo
        .createQueryBuilder('t')
        .select('t.chat_id', 'chatId')
        .addSelect('MAX(t.user_name)', 'userName')
        .addSelect('COUNT(*)', 'turns')
        .addSelect('MAX(t.created_at)', 'lastAt')
        .where('t.bot_id = :botId', { botId })
        .groupBy('t.chat_id')
        .orderBy('MAX(t.created_at)', 'DESC')
        .limit(limit)
        .getRawMany<{ chatId: string | number; userName: string | null; turns: string | number; lastAt: string }>();
      return rows.map((r) => ({
        chatId: Number(r.chatId),
        userName: r.userName,
        turns: Number(r.turns),
        lastAt: Number(r.lastAt),
      }));
    },
    async turns(botId, chatId, limit) {
      const newest = await repo.find({ where: { botId, chatId }, order: { createdAt: 'DESC' }, take: limit });
      return newest.reverse();
    },
    count: (botId, filter) =>
      repo.countBy({
        botId,
        ...(filter.status ? { status: filter.status } : {}),
        ...(filter.sinceMs !== undefined ? { createdAt: MoreThanOrEqual(filter.sinceMs) } : {}),
      }),
  };
}

export function createTelegramInboxStore(db: DataSource): TelegramInboxStore {
  const repo = db.getRepository(TelegramInboxEntity);
  return {
    async add(botId, updateId, payload, at) {
      const entry = { botId, updateId, payload: payload as object, receivedAt: at, doneAt: null };
      return (await claimRow(repo, { botId, updateId }, entry)).created;
    },
    async pending(botId, limit) {
      const rows = await repo.find({ where: { botId, doneAt: IsNull() }, order: { updateId: 'ASC' }, take: limit });
      return rows.map((r) => ({ updateId: r.updateId, payload: r.payload }));
    },
    async done(botId, updateId, at) {
      await repo.update({ botId, updateId, doneAt: IsNull() }, { doneAt: at });
    },
    async prune(beforeMs) {
      const result = await repo.delete({ doneAt: Not(IsNull()), receivedAt: LessThan(beforeMs) });
      return result.affected ?? 0;
    },
  };
}

export function createTelegramSubscriberStore(db: DataSource): TelegramSubscriberStore {
  const repo = db.getRepository(TelegramSubscriberEntity);
  return {
    async upsert(subscriber) {
      const { botId, chatId } = subscriber;
      const existing = await repo.findOneBy({ botId, chatId });
      if (!existing) {
        try {
          return void (await repo.insert(subscriber));
        } catch (error) {
          if (!(await repo.existsBy({ botId, chatId }))) throw error; // a concurrent /start inserted it
        }
      }
      const { userId, userName, language } = subscriber;
      await repo.update(
        { botId, chatId },
        { userId, userName, language, status: 'active', updatedAt: subscriber.updatedAt },
      );
    },
    async setStatus(botId, chatId, status, at) {
      await repo.update({ botId, chatId }, { status, updatedAt: at });
    },
    list: (botId) => repo.find({ where: { botId }, order: { subscribedAt: 'ASC' } }),
    get: (botId, chatId) => repo.findOneBy({ botId, chatId }),
    async setFunnel(botId, chatId, patch) {
      await repo.update({ botId, chatId }, patch);
    },
  };
}

export function createTelegramEventStore(db: DataSource): TelegramEventStore {
  const repo = db.getRepository(TelegramEventEntity);
  return {
    async record(event) {
      if (event.dedupeKey !== null && (await repo.existsBy({ botId: event.botId, dedupeKey: event.dedupeKey })))
        return false;
      try {
        await repo.save(repo.create(event));
        return true;
      } catch (error) {
        // A concurrent record with the same key won the unique index.
        if (event.dedupeKey !== null && (await repo.existsBy({ botId: event.botId, dedupeKey: event.dedupeKey })))
          return false;
        throw error;
      }
    },
    list(botId, filter = {}) {
      const query = repo.createQueryBuilder('e').where('e.bot_id = :botId', { botId });
      if (filter.sinceMs !== undefined) query.andWhere('e.at >= :since', { since: filter.sinceMs });
      if (filter.untilMs !== undefined) query.andWhere('e.at < :until', { until: filter.untilMs });
      if (filter.types?.length) query.andWhere('e.type IN (:...types)', { types: filter.types });
      return query.orderBy('e.at', 'ASC').addOrderBy('e.id', 'ASC').getMany();
    },
  };
}
