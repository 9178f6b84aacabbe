import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type {
  NotificationDeliveryRecord,
  NotificationDeliveryStatus,
  NotificationEvent,
  NotificationTargetKind,
  NotificationTargetRecord,
  OwnerEvent,
  QuietHours,
  TargetSettings,
} from '../../core/notifications/types.js';
import { epochMs, json } from '../columns.js';

@Entity({ name: 'notification_targets' })
export class NotificationTargetEntity implements NotificationTargetRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 24 })
  kind!: NotificationTargetKind;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ type: 'text', transformer: json })
  events!: NotificationEvent[];

  @Column({ name: 'quiet_hours', type: 'text', nullable: true, transformer: json })
  quietHours!: QuietHours | null;

  @Column({ type: 'boolean' })
  urgent!: boolean;

  @Column({ type: 'varchar', length: 8 })
  language!: 'ru' | 'en';

  @Column({ type: 'text', transformer: json })
  settings!: TargetSettings;

  @Column({ name: 'secret_sealed', type: 'text', nullable: true })
  secretSealed!: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt!: number;
}

@Entity({ name: 'notification_deliveries' })
@Index(['status', 'nextAttemptAt'])
@Index(['createdAt'])
export class NotificationDeliveryEntity implements NotificationDeliveryRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'target_id', type: 'varchar', length: 36 })
  targetId!: string;

  @Column({ type: 'varchar', length: 32 })
  event!: NotificationEvent;

  @Column({ type: 'text', transformer: json })
  payload!: OwnerEvent;

  @Column({ type: 'varchar', length: 16 })
  status!: NotificationDeliveryStatus;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'bigint', transformer: epochMs })
  nextAttemptAt!: number;

  @Column({ name: 'lease_until', type: 'bigint', nullable: true, transformer: epochMs })
  leaseUntil!: number | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'sent_at', type: 'bigint', nullable: true, transformer: epochMs })
  sentAt!: number | null;
}

export const NOTIFICATION_ENTITIES = [NotificationTargetEntity, NotificationDeliveryEntity];
