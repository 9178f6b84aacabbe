import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { SessionRecord } from '../../core/auth/types.js';
import { epochMs } from '../columns.js';

@Entity({ name: 'sessions' })
export class SessionEntity implements SessionRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index()
  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @Column({ name: 'refresh_hash', type: 'varchar', length: 64, unique: true })
  refreshHash!: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'last_used_at', type: 'bigint', transformer: epochMs })
  lastUsedAt!: number;

  @Column({ name: 'expires_at', type: 'bigint', transformer: epochMs })
  expiresAt!: number;

  @Column({ name: 'revoked_at', type: 'bigint', nullable: true, transformer: epochMs })
  revokedAt!: number | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 256, nullable: true })
  userAgent!: string | null;
}

/** A refresh token the session rotated away: presented again, it means the token was copied. */
@Entity({ name: 'retired_refresh_tokens' })
export class RetiredRefreshTokenEntity {
  @PrimaryColumn({ name: 'refresh_hash', type: 'varchar', length: 64 })
  refreshHash!: string;

  @Index()
  @Column({ name: 'session_id', type: 'varchar', length: 36 })
  sessionId!: string;

  @Column({ name: 'retired_at', type: 'bigint', transformer: epochMs })
  retiredAt!: number;
}
