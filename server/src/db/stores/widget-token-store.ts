import type { DataSource } from 'typeorm';
import type { WidgetTokenStore } from '../../core/widget-tokens/types.js';
import { WidgetTokenEntity } from '../entities/widget-token.entity.js';

export function createWidgetTokenStore(db: DataSource): WidgetTokenStore {
  const repo = db.getRepository(WidgetTokenEntity);
  return {
    async insert(token) {
      await repo.insert(token);
    },
    findById: (id) => repo.findOneBy({ id }),
    findByHash: (tokenHash) => repo.findOneBy({ tokenHash }),
    list: () => repo.find({ order: { createdAt: 'ASC' } }),
    async update(id, patch) {
      await repo.update({ id }, patch);
    },
  };
}
