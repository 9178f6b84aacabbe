import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { TurnMetrics, TurnMode, TurnOutcome, TurnRecord, TurnToolCall } from '../../core/voice/ports.js';
import { epochMs, json } from '../columns.js';

@Entity({ name: 'conversation_turns' })
export class ConversationTurnEntity implements TurnRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'conversation_id', type: 'varchar', length: 36 })
  conversationId!: string;

  @Column({ name: 'turn_index', type: 'integer' })
  index!: number;

  @Column({ type: 'varchar', length: 16 })
  mode!: TurnMode;

  @Column({ name: 'user_text', type: 'text', nullable: true })
  userText!: string | null;

  @Column({ name: 'assistant_text', type: 'text', nullable: true })
  assistantText!: string | null;

  @Column({ name: 'started_at', type: 'bigint', transformer: epochMs })
  startedAt!: number;

  @Column({ name: 'ended_at', type: 'bigint', transformer: epochMs })
  endedAt!: number;

  @Column({ type: 'varchar', length: 16 })
  outcome!: TurnOutcome;

  @Column({ name: 'tool_calls', type: 'text', transformer: json })
  toolCalls!: TurnToolCall[];

  @Column({ type: 'text', transformer: json })
  metrics!: TurnMetrics;
}
