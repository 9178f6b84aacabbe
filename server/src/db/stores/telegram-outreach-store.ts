import { LessThan, type DataSource } from 'typeorm';
import type { BroadcastStore, FollowupStore, RecipientStatus } from '../../core/telegram/outreach/types.js';
import type { TelegramSubscriberRecord } from '../../core/telegram/types.js';
import { claimRow } from '../claim-row.js';
import { insertRows } from '../insert-rows.js';
import {
  TelegramBroadcastEntity,
  TelegramBroadcastRecipientEntity,
  TelegramFollowupRuleEntity,
  TelegramFollowupSendEntity,
} from '../entities/telegram-outreach.entity.js';
import { TelegramSubscriberEntity } from '../entities/telegram.entity.js';

export function createFollowupStore(
  db: DataSource,
): FollowupStore & { subscriber(botId: string, chatId: number): Promise<TelegramSubscriberRecord | null> } {
  const rules = db.getRepository(TelegramFollowupRuleEntity);
  const sends = db.getRepository(TelegramFollowupSendEntity);
  const subscribers = db.getRepository(TelegramSubscriberEntity);
  return {
    async insertRule(rule) {
      await rules.insert(rule);
    },
    rule: (id) => rules.findOneBy({ id }),
    rules: (botId) => rules.find({ where: { botId }, order: { createdAt: 'ASC' } }),
    async updateRule(id, patch) {
      await rules.update({ id }, patch);
    },
    async removeRule(id) {
      await rules.delete({ id });
    },
    async claimSend(send) {
      const key = { ruleId: send.ruleId, chatId: send.chatId, occurrence: send.occurrence };
      const { row, created } = await claimRow(sends, key, send);
      return { send: row, created };
    },
    async updateSend(id, patch) {
      await sends.update({ id }, patch);
    },
    async removeSend(id) {
      await sends.delete({ id });
    },
    sends: (botId) => sends.find({ where: { botId }, order: { createdAt: 'ASC' } }),
    subscriber: (botId, chatId) => subscribers.findOneBy({ botId, chatId }),
  };
}

const STATUSES: RecipientStatus[] = ['pending', 'sending', 'sent', 'unconfirmed', 'blocked', 'failed'];
const COLUMNS = ['broadcast_id', 'chat_id', 'status', 'attempts', 'message_id', 'error', 'updated_at'];

export function createBroadcastStore(db: DataSource): BroadcastStore {
  const repo = db.getRepository(TelegramBroadcastEntity);
  const recipients = db.getRepository(TelegramBroadcastRecipientEntity);
  return {
    async insert(broadcast) {
      await repo.insert(broadcast);
    },
    get: (id) => repo.findOneBy({ id }),
    list: (botId) => repo.find({ where: { botId }, order: { createdAt: 'DESC' } }),
    async update(id, patch) {
      await repo.update({ id }, patch);
    },
    async remove(id) {
      await db.transaction(async (m) => {
        await m.getRepository(TelegramBroadcastRecipientEntity).delete({ broadcastId: id });
        await m.getRepository(TelegramBroadcastEntity).delete({ id });
      });
    },
    async addRecipients(broadcastId, chatIds, at) {
      const known = new Set(
        (await recipients.find({ where: { broadcastId }, select: { chatId: true } })).map((r) => r.chatId),
      );
      const fresh = chatIds.filter((id) => !known.has(id));
      for (let i = 0; i < fresh.length; i += 500) {
        const rows = fresh.slice(i, i + 500).map((chatId) => [broadcastId, chatId, 'pending', 0, null, null, at]);
        await insertRows(db, TelegramBroadcastRecipientEntity, COLUMNS, rows);
      }
    },
    recipients: (broadcastId, status, limit) =>
      recipients.find({ where: { broadcastId, status }, order: { chatId: 'ASC' }, take: limit }),
    async moveRecipient(broadcastId, chatId, from, patch) {
      const result = await recipients.update({ broadcastId, chatId, status: from }, patch);
      return result.affected === 1;
    },
    async moveAll(broadcastId, from, to, at, olderThan) {
      const where = { broadcastId, status: from, updatedAt: LessThan(olderThan) };
      const result = await recipients.update(where, { status: to, updatedAt: at });
      return result.affected ?? 0;
    },
    async counts(broadcastId) {
      const rows = await recipients
        .createQueryBuilder('r')
        .select('r.status', 'status')
        .addSelect('COUNT(*)', 'n')
        .addSelect('SUM(CASE WHEN r.attempts > 1 THEN 1 ELSE 0 END)', 'retried')
        .where('r.broadcast_id = :broadcastId', { broadcastId })
        .groupBy('r.status')
        .getRawMany<{ status: RecipientStatus; n: string | number; retried: string | number | null }>();
      const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<RecipientStatus, number>;
      let retried = 0;
      for (const row of rows) {
        counts[row.status] = Number(row.n);
        retried += Number(row.retried ?? 0);
      }
      return { ...counts, retried };
    },
  };
}
