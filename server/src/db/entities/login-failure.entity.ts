import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { LoginFailureRecord } from '../../core/auth/types.js';
import { epochMs } from '../columns.js';

@Entity({ name: 'login_failures' })
export class LoginFailureEntity implements LoginFailureRecord {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  ip!: string;

  /** '' for the count of every username tried from the address. */
  @Index()
  @PrimaryColumn({ type: 'varchar', length: 64 })
  username!: string;

  @Column({ type: 'integer' })
  failures!: number;

  @Column({ name: 'last_failure_at', type: 'bigint', transformer: epochMs })
  lastFailureAt!: number;
}
