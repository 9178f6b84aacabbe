import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { GsmCallRecord, GsmSmsPartRecord, GsmSmsRecord } from '../../core/gsm/store-types.js';
import { epochMs, json } from '../columns.js';

@Entity({ name: 'gsm_calls' })
export class GsmCallEntity implements GsmCallRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  direction!: GsmCallRecord['direction'];

  @Column({ type: 'varchar', length: 32, nullable: true })
  number!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: GsmCallRecord['status'];

  @Column({ type: 'text', nullable: true })
  task!: string | null;

  @Index()
  @Column({ name: 'started_at', type: 'bigint', transformer: epochMs })
  startedAt!: number;

  @Column({ name: 'answered_at', type: 'bigint', nullable: true, transformer: epochMs })
  answeredAt!: number | null;

  @Column({ name: 'ended_at', type: 'bigint', nullable: true, transformer: epochMs })
  endedAt!: number | null;

  @Column({ name: 'end_reason', type: 'varchar', length: 128, nullable: true })
  endReason!: string | null;

  @Column({ type: 'varchar', length: 256 })
  dtmf!: string;

  @Column({ type: 'text', transformer: json })
  transcript!: GsmCallRecord['transcript'];

  @Column({ type: 'text', transformer: json })
  metrics!: Record<string, number>;

  @Column({ name: 'recording_caller', type: 'varchar', length: 256, nullable: true })
  recordingCaller!: string | null;

  @Column({ name: 'recording_secretary', type: 'varchar', length: 256, nullable: true })
  recordingSecretary!: string | null;
}

@Entity({ name: 'gsm_sms' })
export class GsmSmsEntity implements GsmSmsRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 8 })
  direction!: 'in' | 'out';

  @Column({ type: 'varchar', length: 32 })
  number!: string;

  @Column({ type: 'text' })
  text!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: GsmSmsRecord['status'];

  @Column({ type: 'integer' })
  parts!: number;

  @Column({ name: 'message_refs', type: 'text', transformer: json })
  messageRefs!: number[];

  @Column({ name: 'delivered_parts', type: 'integer' })
  deliveredParts!: number;

  @Column({ type: 'varchar', length: 256, nullable: true })
  error!: string | null;

  @Index()
  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'sent_at', type: 'bigint', nullable: true, transformer: epochMs })
  sentAt!: number | null;

  @Column({ name: 'delivered_at', type: 'bigint', nullable: true, transformer: epochMs })
  deliveredAt!: number | null;

  @Column({ name: 'auto_reply', type: 'varchar', length: 32, nullable: true })
  autoReply!: string | null;
}

@Entity({ name: 'gsm_sms_parts' })
export class GsmSmsPartEntity implements GsmSmsPartRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'pdu_hash', type: 'varchar', length: 64, unique: true })
  pduHash!: string;

  @Column({ type: 'varchar', length: 32 })
  sender!: string;

  @Column({ type: 'integer', nullable: true })
  reference!: number | null;

  @Column({ type: 'integer' })
  total!: number;

  @Column({ type: 'integer' })
  sequence!: number;

  @Column({ type: 'text' })
  text!: string;

  @Column({ name: 'sent_at_ms', type: 'bigint', transformer: epochMs })
  sentAtMs!: number;

  @Column({ name: 'received_at', type: 'bigint', transformer: epochMs })
  receivedAt!: number;

  @Index()
  @Column({ name: 'message_id', type: 'varchar', length: 36, nullable: true })
  messageId!: string | null;
}
