import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Role, UserRecord } from '../../core/users/types.js';
import { epochMs } from '../columns.js';

@Entity({ name: 'users' })
export class UserEntity implements UserRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  username!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 128 })
  displayName!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: Role;

  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash!: string;

  @Column({ type: 'boolean' })
  disabled!: boolean;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt!: number;

  @Column({ name: 'last_login_at', type: 'bigint', nullable: true, transformer: epochMs })
  lastLoginAt!: number | null;
}
