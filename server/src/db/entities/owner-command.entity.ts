import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { OwnerChannel, OwnerCommand, OwnerCommandRecord, OwnerCommandStatus } from '../../core/owner/types.js';
import { epochMs, json } from '../columns.js';

@Entity({ name: 'owner_commands' })
@Index(['channel', 'botId', 'createdAt'])
export class OwnerCommandEntity implements OwnerCommandRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  channel!: OwnerChannel;

  @Column({ name: 'bot_id', type: 'varchar', length: 36 })
  botId!: string;

  @Column({ name: 'chat_id', type: 'varchar', length: 32 })
  chatId!: string;

  @Column({ name: 'actor_id', type: 'varchar', length: 32 })
  actorId!: string;

  @Column({ name: 'actor_name', type: 'varchar', length: 256 })
  actorName!: string;

  @Column({ type: 'text', transformer: json })
  command!: OwnerCommand;

  @Column({ type: 'varchar', length: 16 })
  status!: OwnerCommandStatus;

  @Column({ type: 'text', nullable: true })
  result!: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt!: number;

  @Column({ name: 'expires_at', type: 'bigint', transformer: epochMs })
  expiresAt!: number;
}
