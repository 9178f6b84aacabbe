import type { DataSource } from 'typeorm';
import type { OwnerCommandStore } from '../../core/owner/types.js';
import { OwnerCommandEntity } from '../entities/owner-command.entity.js';

export function createOwnerCommandStore(db: DataSource): OwnerCommandStore {
  const repo = db.getRepository(OwnerCommandEntity);
  return {
    async insert(record) {
      await repo.insert(record);
    },
    findById: (id) => repo.findOneBy({ id }),
    /** One conditional UPDATE: of two presses at once, the database lets exactly one change the row. */
    async transition(id, from, to, patch) {
      const result = await repo.update({ id, status: from }, { ...patch, status: to });
      return (result.affected ?? 0) === 1;
    },
  };
}
