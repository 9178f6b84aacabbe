import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { DiscordGuildChannel } from '@ai-secretary/protocol';
import type {
  DiscordChannelChoiceRecord,
  DiscordGuildRecord,
  DiscordGuildSettings,
  DiscordInteractionRecord,
  DiscordWhileAnswering,
} from '../../core/discord/guild-types.js';
import { epochMs, json } from '../columns.js';

@Entity({ name: 'discord_guilds' })
@Index(['botId', 'guildId'], { unique: true })
export class DiscordGuildEntity implements DiscordGuildRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'bot_id', type: 'varchar', length: 36 })
  botId!: string;

  @Column({ name: 'guild_id', type: 'varchar', length: 24 })
  guildId!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ name: 'text_channels', type: 'text', transformer: json })
  textChannels!: DiscordGuildChannel[];

  @Column({ type: 'boolean' })
  present!: boolean;

  @Column({ type: 'text', transformer: json })
  settings!: DiscordGuildSettings;

  @Column({ name: 'limit_ids', type: 'text', transformer: json })
  limitIds!: string[];

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt!: number;
}

@Entity({ name: 'discord_channel_choices' })
@Index(['botId', 'channelId'], { unique: true })
export class DiscordChannelChoiceEntity implements DiscordChannelChoiceRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'bot_id', type: 'varchar', length: 36 })
  botId!: string;

  @Column({ name: 'channel_id', type: 'varchar', length: 24 })
  channelId!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  route!: string | null;

  @Column({ type: 'text', nullable: true })
  persona!: string | null;

  @Column({ name: 'while_answering', type: 'varchar', length: 8, nullable: true })
  whileAnswering!: DiscordWhileAnswering | null;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt!: number;
}

/** An interaction (slash command) the orchestrator took: each one is answered once, across restarts. */
@Entity({ name: 'discord_interactions' })
@Index(['botId', 'interactionId'], { unique: true })
@Index(['createdAt'])
export class DiscordInteractionEntity implements DiscordInteractionRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'bot_id', type: 'varchar', length: 36 })
  botId!: string;

  @Column({ name: 'interaction_id', type: 'varchar', length: 24 })
  interactionId!: string;

  @Column({ type: 'varchar', length: 32 })
  name!: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;
}

export const DISCORD_GUILD_ENTITIES = [DiscordGuildEntity, DiscordChannelChoiceEntity, DiscordInteractionEntity];
