import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type {
  TelegramBotDesired,
  TelegramBotRecord,
  TelegramBotSettings,
  TelegramEventRecord,
  TelegramSubscriberRecord,
  TelegramSubscriberStatus,
  TelegramTurnRecord,
  TelegramTurnStatus,
} from '../../core/telegram/types.js';
import { epochMs, json } from '../columns.js';

/** Telegram ids pass 2^31 (supergroups are -100…): BIGINT, read back as a number. */
const bigNumber = epochMs;

@Entity({ name: 'telegram_bots' })
export class TelegramBotEntity implements TelegramBotRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ name: 'token_sealed', type: 'text' })
  tokenSealed!: string;

  @Column({ name: 'token_hint', type: 'varchar', length: 32 })
  tokenHint!: string;

  @Column({ name: 'telegram_id', type: 'bigint', transformer: bigNumber })
  telegramId!: number;

  @Column({ type: 'varchar', length: 64 })
  username!: string;

  @Column({ type: 'text', transformer: json })
  settings!: TelegramBotSettings;

  @Column({ name: 'auto_start', type: 'boolean' })
  autoStart!: boolean;

  @Column({ type: 'varchar', length: 16 })
  desired!: TelegramBotDesired;

  @Column({ name: 'webhook_secret_sealed', type: 'text', nullable: true })
  webhookSecretSealed!: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt!: number;
}

@Entity({ name: 'telegram_turns' })
@Index(['botId', 'updateId'], { unique: true })
@Index(['botId', 'chatId', 'createdAt'])
export class TelegramTurnEntity implements TelegramTurnRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'bot_id', type: 'varchar', length: 36 })
  botId!: string;

  @Column({ name: 'update_id', type: 'bigint', transformer: bigNumber })
  updateId!: number;

  @Column({ name: 'chat_id', type: 'bigint', transformer: bigNumber })
  chatId!: number;

  @Column({ name: 'user_id', type: 'bigint', nullable: true, transformer: bigNumber })
  userId!: number | null;

  @Column({ name: 'user_name', type: 'varchar', length: 256, nullable: true })
  userName!: string | null;

  @Column({ type: 'varchar', length: 16 })
  kind!: 'text' | 'voice' | 'button';

  @Column({ type: 'text' })
  text!: string;

  @Column({ type: 'text', nullable: true })
  reply!: string | null;

  @Column({ name: 'reply_voice', type: 'boolean' })
  replyVoice!: boolean;

  @Column({ type: 'varchar', length: 16 })
  status!: TelegramTurnStatus;

  @Column({ type: 'boolean' })
  delivered!: boolean;

  @Column({ name: 'audio_path', type: 'varchar', length: 500, nullable: true })
  audioPath!: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt!: number;
}

@Entity({ name: 'telegram_inbox' })
export class TelegramInboxEntity {
  @PrimaryColumn({ name: 'bot_id', type: 'varchar', length: 36 })
  botId!: string;

  @PrimaryColumn({ name: 'update_id', type: 'bigint', transformer: bigNumber })
  updateId!: number;

  @Column({ type: 'text', transformer: json })
  payload!: unknown;

  @Column({ name: 'received_at', type: 'bigint', transformer: epochMs })
  receivedAt!: number;

  /** Handled; kept a while so that Telegram delivering it again is recognised. */
  @Column({ name: 'done_at', type: 'bigint', nullable: true, transformer: epochMs })
  doneAt!: number | null;
}

@Entity({ name: 'telegram_subscribers' })
export class TelegramSubscriberEntity implements TelegramSubscriberRecord {
  @PrimaryColumn({ name: 'bot_id', type: 'varchar', length: 36 })
  botId!: string;

  @PrimaryColumn({ name: 'chat_id', type: 'bigint', transformer: bigNumber })
  chatId!: number;

  @Column({ name: 'user_id', type: 'bigint', nullable: true, transformer: bigNumber })
  userId!: number | null;

  @Column({ name: 'user_name', type: 'varchar', length: 256, nullable: true })
  userName!: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  language!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  source!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: TelegramSubscriberStatus;

  @Column({ type: 'varchar', length: 32, nullable: true })
  segment!: string | null;

  @Column({ name: 'funnel_step', type: 'varchar', length: 64, nullable: true })
  funnelStep!: string | null;

  @Column({ name: 'last_activity_at', type: 'bigint', nullable: true, transformer: epochMs })
  lastActivityAt!: number | null;

  @Column({ name: 'subscribed_at', type: 'bigint', transformer: epochMs })
  subscribedAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt!: number;
}

@Entity({ name: 'telegram_events' })
@Index(['botId', 'at'])
@Index(['botId', 'dedupeKey'], { unique: true })
export class TelegramEventEntity implements TelegramEventRecord {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'bot_id', type: 'varchar', length: 36 })
  botId!: string;

  @Column({ name: 'chat_id', type: 'bigint', transformer: bigNumber })
  chatId!: number;

  @Column({ type: 'varchar', length: 32 })
  type!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  step!: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  segment!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  source!: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  variant!: string | null;

  @Column({ type: 'text', nullable: true, transformer: json })
  data!: Record<string, unknown> | null;

  @Column({ name: 'dedupe_key', type: 'varchar', length: 128, nullable: true })
  dedupeKey!: string | null;

  @Column({ type: 'bigint', transformer: epochMs })
  at!: number;
}

export const TELEGRAM_ENTITIES = [
  TelegramBotEntity,
  TelegramTurnEntity,
  TelegramInboxEntity,
  TelegramSubscriberEntity,
  TelegramEventEntity,
];
