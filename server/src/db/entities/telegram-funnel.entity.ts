import type { FunnelDefinition } from '@ai-secretary/protocol';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type {
  FunnelStoredReply,
  TelegramFunnelProgressRecord,
  TelegramFunnelRecord,
} from '../../core/telegram/funnel/types.js';
import { epochMs, json } from '../columns.js';

@Entity({ name: 'telegram_funnels' })
export class TelegramFunnelEntity implements TelegramFunnelRecord {
  @PrimaryColumn({ name: 'bot_id', type: 'varchar', length: 36 })
  botId!: string;

  @PrimaryColumn({ type: 'integer' })
  version!: number;

  @Column({ type: 'text', transformer: json })
  definition!: FunnelDefinition;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'published_at', type: 'bigint', nullable: true, transformer: epochMs })
  publishedAt!: number | null;
}

@Entity({ name: 'telegram_funnel_progress' })
@Index(['botId', 'version'])
export class TelegramFunnelProgressEntity implements TelegramFunnelProgressRecord {
  @PrimaryColumn({ name: 'bot_id', type: 'varchar', length: 36 })
  botId!: string;

  @PrimaryColumn({ name: 'chat_id', type: 'bigint', transformer: epochMs })
  chatId!: number;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'varchar', length: 64, nullable: true })
  step!: string | null;

  @Column({ type: 'text', transformer: json })
  answers!: Record<string, string>;

  @Column({ name: 'consent_at', type: 'bigint', nullable: true, transformer: epochMs })
  consentAt!: number | null;

  @Column({ name: 'last_update_id', type: 'bigint', nullable: true, transformer: epochMs })
  lastUpdateId!: number | null;

  @Column({ name: 'last_reply', type: 'text', nullable: true, transformer: json })
  lastReply!: FunnelStoredReply | null;

  @Column({ type: 'boolean', default: false })
  delivered!: boolean;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt!: number;
}

export const TELEGRAM_FUNNEL_ENTITIES = [TelegramFunnelEntity, TelegramFunnelProgressEntity];
