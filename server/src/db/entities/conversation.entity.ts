import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ConversationOutcome, ConversationRecord, Degradation } from '../../core/voice/ports.js';
import { epochMs, json } from '../columns.js';

@Entity({ name: 'conversations' })
export class ConversationEntity implements ConversationRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 32 })
  channel!: string;

  @Column({ type: 'varchar', length: 128, nullable: true })
  caller!: string | null;

  @Column({ name: 'started_at', type: 'bigint', transformer: epochMs })
  startedAt!: number;

  @Column({ name: 'ended_at', type: 'bigint', nullable: true, transformer: epochMs })
  endedAt!: number | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  outcome!: ConversationOutcome | null;

  @Column({ name: 'turn_count', type: 'integer' })
  turnCount!: number;

  @Column({ type: 'text', transformer: json })
  degradations!: Degradation[];
}
