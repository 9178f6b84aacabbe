import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { WeeklyHours } from '../../core/settings/types.js';
import { epochMs, json } from '../columns.js';

/** One row (`id = 'business'`): the business settings edited on the panel's Settings page. */
@Entity({ name: 'business_settings' })
export class BusinessSettingsEntity {
  @PrimaryColumn({ type: 'varchar', length: 16 })
  id!: string;

  @Column({ name: 'business_name', type: 'varchar', length: 128 })
  businessName!: string;

  @Column({ type: 'varchar', length: 64 })
  timezone!: string;

  @Column({ name: 'business_hours', type: 'text', nullable: true, transformer: json })
  businessHours!: WeeklyHours | null;

  @Column({ type: 'text' })
  greeting!: string;

  @Column({ name: 'default_language', type: 'varchar', length: 8 })
  defaultLanguage!: string;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt!: number;

  @Column({ name: 'updated_by', type: 'varchar', length: 36, nullable: true })
  updatedBy!: string | null;
}
