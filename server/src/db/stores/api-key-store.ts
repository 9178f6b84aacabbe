import type { DataSource } from 'typeorm';
import type { ApiKeyStore } from '../../core/api-keys/types.js';
import { ApiKeyEntity } from '../entities/api-key.entity.js';

export function createApiKeyStore(db: DataSource): ApiKeyStore {
  const repo = db.getRepository(ApiKeyEntity);
  return {
    async insert(key) {
      await repo.insert(key);
    },
    findById: (id) => repo.findOneBy({ id }),
    findByHash: (keyHash) => repo.findOneBy({ keyHash }),
    list: (ownerId) => repo.find({ where: ownerId === null ? {} : { ownerId }, order: { createdAt: 'ASC' } }),
    async update(id, patch) {
      await repo.update({ id }, patch);
    },
  };
}
