import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type {
  BroadcastRecord,
  BroadcastStatus,
  FollowupRuleRecord,
  FollowupSendRecord,
  OutreachSendStatus,
  RecipientRecord,
  RecipientStatus,
} from '../../core/telegram/outreach/types.js';
import { epochMs } from '../columns.js';

@Entity({ name: 'telegram_followup_rules' })
@Index(['botId'])
export class TelegramFollowupRuleEntity implements FollowupRuleRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'bot_id', type: 'varchar', length: 36 })
  botId!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  step!: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  segment!: string | null;

  @Column({ name: 'after_hours', type: 'integer' })
  afterHours!: number;

  @Column({ type: 'text' })
  text!: string;

  @Column({ name: 'button_text', type: 'varchar', length: 64 })
  buttonText!: string;

  @Column({ name: 'max_times', type: 'integer' })
  maxTimes!: number;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt!: number;
}

@Entity({ name: 'telegram_followup_sends' })
@Index(['ruleId', 'chatId', 'occurrence'], { unique: true })
@Index(['botId'])
export class TelegramFollowupSendEntity implements FollowupSendRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'rule_id', type: 'varchar', length: 36 })
  ruleId!: string;

  @Column({ name: 'bot_id', type: 'varchar', length: 36 })
  botId!: string;

  @Column({ name: 'chat_id', type: 'bigint', transformer: epochMs })
  chatId!: number;

  @Column({ type: 'integer' })
  occurrence!: number;

  @Column({ type: 'varchar', length: 16 })
  status!: OutreachSendStatus;

  @Column({ name: 'message_id', type: 'bigint', nullable: true, transformer: epochMs })
  messageId!: number | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'sent_at', type: 'bigint', nullable: true, transformer: epochMs })
  sentAt!: number | null;

  @Column({ name: 'answered_at', type: 'bigint', nullable: true, transformer: epochMs })
  answeredAt!: number | null;
}

@Entity({ name: 'telegram_broadcasts' })
@Index(['botId', 'createdAt'])
export class TelegramBroadcastEntity implements BroadcastRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'bot_id', type: 'varchar', length: 36 })
  botId!: string;

  @Column({ type: 'text' })
  text!: string;

  @Column({ name: 'button_text', type: 'varchar', length: 64, nullable: true })
  buttonText!: string | null;

  @Column({ name: 'button_url', type: 'varchar', length: 500, nullable: true })
  buttonUrl!: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  segment!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: BroadcastStatus;

  @Column({ name: 'tested_at', type: 'bigint', nullable: true, transformer: epochMs })
  testedAt!: number | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt!: number;

  @Column({ name: 'started_at', type: 'bigint', nullable: true, transformer: epochMs })
  startedAt!: number | null;

  @Column({ name: 'finished_at', type: 'bigint', nullable: true, transformer: epochMs })
  finishedAt!: number | null;
}

@Entity({ name: 'telegram_broadcast_recipients' })
@Index(['broadcastId', 'status'])
export class TelegramBroadcastRecipientEntity implements RecipientRecord {
  @PrimaryColumn({ name: 'broadcast_id', type: 'varchar', length: 36 })
  broadcastId!: string;

  @PrimaryColumn({ name: 'chat_id', type: 'bigint', transformer: epochMs })
  chatId!: number;

  @Column({ type: 'varchar', length: 16 })
  status!: RecipientStatus;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ name: 'message_id', type: 'bigint', nullable: true, transformer: epochMs })
  messageId!: number | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt!: number;
}

export const TELEGRAM_OUTREACH_ENTITIES = [
  TelegramFollowupRuleEntity,
  TelegramFollowupSendEntity,
  TelegramBroadcastEntity,
  TelegramBroadcastRecipientEntity,
];
