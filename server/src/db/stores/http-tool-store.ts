import type { DataSource } from 'typeorm';
import type { HttpToolStore } from '../../core/http-tools/types.js';
import { HttpToolCallEntity, HttpToolEntity } from '../entities/http-tool.entity.js';

export function createHttpToolStore(db: DataSource): HttpToolStore {
  const tools = db.getRepository(HttpToolEntity);
  const calls = db.getRepository(HttpToolCallEntity);
  return {
    list: () => tools.find({ order: { name: 'ASC' } }),
    get: (id) => tools.findOneBy({ id }),
    async save(record) {
      await tools.save(tools.create(record));
    },
    /** The tool and its call log go together. */
    remove: (id) =>
      db.transaction(async (em) => {
        await em.delete(HttpToolCallEntity, { toolId: id });
        return ((await em.delete(HttpToolEntity, { id })).affected ?? 0) > 0;
      }),
    async addCall(call) {
      await calls.insert(call);
    },
    calls: (toolId, limit) => calls.find({ where: { toolId }, order: { createdAt: 'DESC' }, take: limit }),
  };
}
