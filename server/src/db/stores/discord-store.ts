import { claimRow } from '../claim-row.js';
import { MoreThanOrEqual, type DataSource } from 'typeorm';
import type { DiscordBotStore, DiscordTurnStore } from '../../core/discord/types.js';
import { DEFAULT_DISCORD_SETTINGS } from '../../core/discord/bots-service.js';
import type { DiscordBotRecord } from '../../core/discord/types.js';
import { DiscordBotEntity, DiscordTurnEntity } from '../entities/discord.entity.js';

/** A bot stored before a setting existed gets that setting's default. */
const withDefaults = (bot: DiscordBotRecord): DiscordBotRecord => ({
  ...bot,
  settings: { ...DEFAULT_DISCORD_SETTINGS, ...bot.settings },
});

export function createDiscordBotStore(db: DataSource): DiscordBotStore {
  const repo = db.getRepository(DiscordBotEntity);
  return {
    async insert(bot) {
      await repo.insert(bot);
    },
    findById: async (id) => {
      const bot = await repo.findOneBy({ id });
      return bot && withDefaults(bot);
    },
    list: async () => (await repo.find({ order: { createdAt: 'ASC' } })).map(withDefaults),
    async update(id, patch) {
      await repo.update({ id }, patch);
    },
    async remove(id) {
      await repo.delete({ id });
    },
  };
}

export function createDiscordTurnStore(db: DataSource): DiscordTurnStore {
  const repo = db.getRepository(DiscordTurnEntity);
  return {
    async claim(turn) {
      const { row, created } = await claimRow(repo, { botId: turn.botId, messageId: turn.messageId }, turn);
      return { turn: row, created };
    },
    async update(id, patch) {
      await repo.update({ id }, patch);
    },
    findByMessage: (botId, messageId) => repo.findOneBy({ botId, messageId }),
    async channels(botId, limit) {
      const rows = await repo
        .createQueryBuilder('t')
        .select('t.channel_id', 'channelId')
        .addSelect('MAX(t.guild_id)', 'guildId')
        .addSelect('COUNT(*)', 'turns')
        .addSelect('MAX(t.created_at)', 'lastAt')
        .where('t.bot_id = :botId', { botId })
        .groupBy('t.channel_id')
        .orderBy('MAX(t.created_at)', 'DESC')
        .limit(limit)
        .getRawMany<{ channelId: string; guildId: string | null; turns: string | number; lastAt: string | number }>();
      return rows.map((r) => ({ ...r, turns: Number(r.turns), lastAt: Number(r.lastAt) }));
    },
    async turns(botId, channelId, limit) {
      const newest = await repo.find({ where: { botId, channelId }, order: { createdAt: 'DESC' }, take: limit });
      return newest.reverse();
    },
    recent: (botId, sinceMs, limit) =>
      repo.find({ where: { botId, createdAt: MoreThanOrEqual(sinceMs) }, order: { createdAt: 'DESC' }, take: limit }),
  };
}
