import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { AuditRecord } from '../../core/audit/types.js';
import { epochMs, json } from '../columns.js';

@Entity({ name: 'audit_log' })
export class AuditEntryEntity implements AuditRecord {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'bigint', transformer: epochMs })
  at!: number;

  @Column({ name: 'actor_id', type: 'varchar', length: 36, nullable: true })
  actorId!: string | null;

  @Column({ name: 'actor_name', type: 'varchar', length: 64, nullable: true })
  actorName!: string | null;

  @Column({ type: 'varchar', length: 128 })
  action!: string;

  @Column({ type: 'varchar', length: 256, nullable: true })
  target!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ name: 'status_code', type: 'integer', nullable: true })
  statusCode!: number | null;

  @Column({ type: 'text', nullable: true, transformer: json })
  details!: Record<string, unknown> | null;
}
