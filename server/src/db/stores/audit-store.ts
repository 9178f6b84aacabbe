import type { DataSource } from 'typeorm';
import type { AuditQuery, AuditStore } from '../../core/audit/types.js';
import { AuditEntryEntity } from '../entities/audit-entry.entity.js';

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function createAuditStore(db: DataSource): AuditStore {
  const repo = db.getRepository(AuditEntryEntity);
  return {
    async insert(entry) {
      await repo.save(repo.create(entry));
    },
    async list(query: AuditQuery) {
      const qb = repo.createQueryBuilder('a').orderBy('a.id', 'DESC').take(query.limit).skip(query.offset);
      if (query.actorId !== undefined) qb.andWhere('a.actor_id = :actorId', { actorId: query.actorId });
      if (query.actionPrefix !== undefined) {
        qb.andWhere("a.action LIKE :prefix ESCAPE '\\'", { prefix: `${escapeLike(query.actionPrefix)}%` });
      }
      if (query.since !== undefined) qb.andWhere('a.at >= :since', { since: query.since });
      if (query.until !== undefined) qb.andWhere('a.at <= :until', { until: query.until });
      const [items, total] = await qb.getManyAndCount();
      return { items, total };
    },
  };
}
