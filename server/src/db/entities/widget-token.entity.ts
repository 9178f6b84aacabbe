import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { WidgetAppearance, WidgetTokenRecord } from '../../core/widget-tokens/types.js';
import { epochMs, json } from '../columns.js';

@Entity({ name: 'widget_tokens' })
export class WidgetTokenEntity implements WidgetTokenRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 32, unique: true })
  prefix!: string;

  @Column({ name: 'token_hash', type: 'varchar', length: 64, unique: true })
  tokenHash!: string;

  @Column({ name: 'allowed_origins', type: 'text', transformer: json })
  allowedOrigins!: string[];

  @Column({ type: 'varchar', length: 64, nullable: true })
  route!: string | null;

  @Column({ name: 'max_concurrent_sessions', type: 'integer' })
  maxConcurrentSessions!: number;

  @Column({ type: 'text', transformer: json })
  appearance!: WidgetAppearance;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'last_used_at', type: 'bigint', nullable: true, transformer: epochMs })
  lastUsedAt!: number | null;

  @Column({ name: 'revoked_at', type: 'bigint', nullable: true, transformer: epochMs })
  revokedAt!: number | null;

  @Column({ name: 'created_by', type: 'varchar', length: 36, nullable: true })
  createdBy!: string | null;
}
