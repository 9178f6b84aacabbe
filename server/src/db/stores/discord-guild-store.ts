import type { DataSource } from 'typeorm';
import {
  DEFAULT_GUILD_SETTINGS,
  type DiscordChoiceStore,
  type DiscordGuildRecord,
  type DiscordGuildStore,
} from '../../core/discord/guild-types.js';
import { DiscordChannelChoiceEntity, DiscordGuildEntity } from '../entities/discord-guild.entity.js';

const withDefaults = (guild: DiscordGuildRecord): DiscordGuildRecord => ({
  ...guild,
  settings: { ...DEFAULT_GUILD_SETTINGS, ...guild.settings },
});

export function createDiscordGuildStore(db: DataSource): DiscordGuildStore {
  const repo = db.getRepository(DiscordGuildEntity);
  return {
    list: async (botId) => (await repo.find({ where: { botId }, order: { createdAt: 'ASC' } })).map(withDefaults),
    find: async (botId, guildId) => {
      const guild = await repo.findOneBy({ botId, guildId });
      return guild && withDefaults(guild);
    },
    async insert(record) {
      await repo.insert(record);
    },
    async update(id, patch) {
      await repo.update({ id }, patch);
    },
  };
}

export function createDiscordChoiceStore(db: DataSource): DiscordChoiceStore {
  const repo = db.getRepository(DiscordChannelChoiceEntity);
  return {
    find: (botId, channelId) => repo.findOneBy({ botId, channelId }),
    async save(record) {
      const { id: _id, ...rest } = record;
      const existing = await repo.findOneBy({ botId: record.botId, channelId: record.channelId });
      if (existing) await repo.update({ id: existing.id }, rest);
      else await repo.insert(record);
    },
  };
}
