import { LessThan, type DataSource } from 'typeorm';
import { claimRow } from '../claim-row.js';
import {
  DEFAULT_GUILD_SETTINGS,
  type DiscordChoiceStore,
  type DiscordGuildRecord,
  type DiscordGuildStore,
  type DiscordInteractionStore,
} from '../../core/discord/guild-types.js';
import {
  DiscordChannelChoiceEntity,
  DiscordGuildEntity,
  DiscordInteractionEntity,
} from '../entities/discord-guild.entity.js';

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
    list: (botId) => repo.find({ where: { botId }, order: { updatedAt: 'ASC' } }),
    async save(record) {
      const { id: _id, ...rest } = record;
      const existing = await repo.findOneBy({ botId: record.botId, channelId: record.channelId });
      if (existing) await repo.update({ id: existing.id }, rest);
      else await repo.insert(record);
    },
  };
}

export function createDiscordInteractionStore(db: DataSource): DiscordInteractionStore {
  const repo = db.getRepository(DiscordInteractionEntity);
  return {
    async claim(record) {
      const key = { botId: record.botId, interactionId: record.interactionId };
      return (await claimRow(repo, key, record)).created;
    },
    async prune(beforeMs) {
      return (await repo.delete({ createdAt: LessThan(beforeMs) })).affected ?? 0;
    },
  };
}
