import type { DataSource } from 'typeorm';
import type { MetaStore } from '../../core/meta/types.js';
import { MetaEntity } from '../entities/meta.entity.js';

export function createMetaStore(db: DataSource): MetaStore {
  const repo = db.getRepository(MetaEntity);
  return {
    async get(key) {
      return (await repo.findOneBy({ key }))?.value ?? null;
    },
    async set(key, value) {
      await repo.upsert({ key, value }, ['key']);
    },
  };
}
