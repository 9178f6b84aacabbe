import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { TakenMessage } from '../../core/voice/ports.js';
import { epochMs } from '../columns.js';

@Entity({ name: 'taken_messages' })
export class TakenMessageEntity implements TakenMessage {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'conversation_id', type: 'varchar', length: 36, nullable: true })
  conversationId!: string | null;

  @Column({ type: 'varchar', length: 32 })
  channel!: string;

  @Column({ type: 'varchar', length: 16 })
  source!: 'llm' | 'scripted';

  @Column({ name: 'caller_name', type: 'varchar', length: 200 })
  callerName!: string;

  @Column({ name: 'callback_number', type: 'varchar', length: 64 })
  callbackNumber!: string;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'handled_at', type: 'bigint', nullable: true, transformer: epochMs })
  handledAt!: number | null;

  @Column({ name: 'handled_by', type: 'varchar', length: 36, nullable: true })
  handledBy!: string | null;
}
