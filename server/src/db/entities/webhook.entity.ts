import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { WebhookRecord } from '../../core/messages/types.js';
import { epochMs } from '../columns.js';

@Entity({ name: 'webhooks' })
export class WebhookEntity implements WebhookRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  @Column({ name: 'secret_sealed', type: 'text' })
  secretSealed!: string;

  @Column({ type: 'varchar', length: 64 })
  event!: string;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'created_by', type: 'varchar', length: 36, nullable: true })
  createdBy!: string | null;

  @Column({ name: 'last_delivery_at', type: 'bigint', nullable: true, transformer: epochMs })
  lastDeliveryAt!: number | null;

  @Column({ name: 'last_status', type: 'integer', nullable: true })
  lastStatus!: number | null;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;
}
