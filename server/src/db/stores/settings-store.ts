import type { DataSource } from 'typeorm';
import type { SettingsRecord, SettingsStore } from '../../core/settings/types.js';
import { BusinessSettingsEntity } from '../entities/settings.entity.js';

const ROW_ID = 'business';

export function createSettingsStore(db: DataSource): SettingsStore {
  const repo = db.getRepository(BusinessSettingsEntity);
  return {
    async load() {
      const row = await repo.findOneBy({ id: ROW_ID });
      if (row === null) return null;
      const { id: _id, defaultLanguage, ...rest } = row;
      return { ...rest, defaultLanguage: defaultLanguage === 'ru' ? 'ru' : 'en' };
    },
    async save(record: SettingsRecord) {
      await repo.save(repo.create({ id: ROW_ID, ...record }));
    },
  };
}
