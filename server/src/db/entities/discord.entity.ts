import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type {
  DiscordBotDesired,
  DiscordBotRecord,
  DiscordBotSettings,
  DiscordTurnRecord,
  DiscordTurnStatus,
} from '../../core/discord/types.js';
import type { ToolCallRecord } from '../../core/llm/tool-loop.js';
import { epochMs, json } from '../columns.js';

/** Snowflakes (up to 20 digits) are kept as strings: they pass 2^53. */
@Entity({ name: 'discord_bots' })
export class DiscordBotEntity implements DiscordBotRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ name: 'token_sealed', type: 'text' })
  tokenSealed!: string;

  @Column({ name: 'token_hint', type: 'varchar', length: 32 })
  tokenHint!: string;

  @Column({ name: 'discord_id', type: 'varchar', length: 24 })
  discordId!: string;

  @Column({ type: 'varchar', length: 64 })
  username!: string;

  @Column({ type: 'text', transformer: json })
  settings!: DiscordBotSettings;

  @Column({ name: 'auto_start', type: 'boolean' })
  autoStart!: boolean;

  @Column({ type: 'varchar', length: 16 })
  desired!: DiscordBotDesired;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt!: number;
}

@Entity({ name: 'discord_turns' })
@Index(['botId', 'messageId'], { unique: true })
@Index(['botId', 'channelId', 'createdAt'])
export class DiscordTurnEntity implements DiscordTurnRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'bot_id', type: 'varchar', length: 36 })
  botId!: string;

  @Column({ name: 'message_id', type: 'varchar', length: 24 })
  messageId!: string;

  @Column({ name: 'channel_id', type: 'varchar', length: 24 })
  channelId!: string;

  @Column({ name: 'guild_id', type: 'varchar', length: 24, nullable: true })
  guildId!: string | null;

  @Column({ name: 'user_id', type: 'varchar', length: 24 })
  userId!: string;

  @Column({ name: 'user_name', type: 'varchar', length: 256 })
  userName!: string;

  @Column({ type: 'text' })
  text!: string;

  @Column({ type: 'text', nullable: true })
  reply!: string | null;

  @Column({ name: 'reply_message_id', type: 'varchar', length: 24, nullable: true })
  replyMessageId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: DiscordTurnStatus;

  @Column({ type: 'boolean' })
  delivered!: boolean;

  @Column({ name: 'tool_calls', type: 'text', nullable: true, transformer: json })
  toolCalls!: ToolCallRecord[] | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt!: number;
}

export const DISCORD_ENTITIES = [DiscordBotEntity, DiscordTurnEntity];
