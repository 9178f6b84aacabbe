import type { DataSource } from 'typeorm';
import type { PaymentSettingsStore, PaymentStore, ProductStore } from '../../core/payments/types.js';
import { claimRow } from '../claim-row.js';
import { PaymentEntity, PaymentSettingsEntity, ProductEntity } from '../entities/payment.entity.js';

export function createProductStore(db: DataSource): ProductStore {
  const repo = db.getRepository(ProductEntity);
  return {
    async insert(product) {
      await repo.insert(product);
    },
    findById: (id) => repo.findOneBy({ id }),
    list: (botId) => repo.find({ where: { botId }, order: { createdAt: 'ASC', id: 'ASC' } }),
    async update(id, patch) {
      await repo.update({ id }, patch);
    },
    async remove(id) {
      await repo.delete({ id });
    },
  };
}

export function createPaymentStore(db: DataSource): PaymentStore {
  const repo = db.getRepository(PaymentEntity);
  return {
    async claim(payment) {
      const { row, created } = await claimRow(repo, { method: payment.method, chargeId: payment.chargeId }, payment);
      return { payment: row, created };
    },
    findById: (id) => repo.findOneBy({ id }),
    list(filter, limit) {
      const query = repo.createQueryBuilder('p');
      if (filter.botId !== undefined) query.andWhere('p.bot_id = :botId', { botId: filter.botId });
      if (filter.productId !== undefined) query.andWhere('p.product_id = :productId', { productId: filter.productId });
      if (filter.method !== undefined) query.andWhere('p.method = :method', { method: filter.method });
      if (filter.status !== undefined) query.andWhere('p.status = :status', { status: filter.status });
      if (filter.sinceMs !== undefined) query.andWhere('p.paid_at >= :since', { since: filter.sinceMs });
      if (filter.untilMs !== undefined) query.andWhere('p.paid_at < :until', { until: filter.untilMs });
      return query.orderBy('p.paid_at', 'DESC').addOrderBy('p.id', 'ASC').limit(limit).getMany();
    },
    async markRefunded(id, at, by) {
      // One conditional UPDATE: of two refunds at once, only one finds the row still `paid`.
      const result = await repo.update({ id, status: 'paid' }, { status: 'refunded', refundedAt: at, refundedBy: by });
      return (result.affected ?? 0) === 1;
    },
    async unmarkRefunded(id) {
      await repo.update({ id, status: 'refunded' }, { status: 'paid', refundedAt: null, refundedBy: null });
    },
  };
}

export function createPaymentSettingsStore(db: DataSource): PaymentSettingsStore {
  const repo = db.getRepository(PaymentSettingsEntity);
  return {
    find: (botId) => repo.findOneBy({ botId }),
    async save(record) {
      await repo.save(repo.create(record));
    },
  };
}
