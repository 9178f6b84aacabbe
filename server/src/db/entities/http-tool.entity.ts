import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type {
  HttpToolCallRecord,
  HttpToolChannel,
  HttpToolMethod,
  HttpToolOutcome,
  HttpToolRecord,
  StoredHeader,
} from '../../core/http-tools/types.js';
import { epochMs, json } from '../columns.js';

@Entity({ name: 'http_tools' })
export class HttpToolEntity implements HttpToolRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'text' })
  description!: string;

  @Column({ type: 'text', transformer: json })
  parameters!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 8 })
  method!: HttpToolMethod;

  @Column({ name: 'url_template', type: 'text' })
  urlTemplate!: string;

  /** Secret values sealed (`sealed`), plain ones in `value`. */
  @Column({ type: 'text', transformer: json })
  headers!: StoredHeader[];

  @Column({ name: 'timeout_ms', type: 'integer' })
  timeoutMs!: number;

  @Column({ name: 'max_response_bytes', type: 'integer' })
  maxResponseBytes!: number;

  @Column({ name: 'response_path', type: 'varchar', length: 256, nullable: true })
  responsePath!: string | null;

  @Column({ type: 'text', transformer: json })
  personas!: string[];

  @Column({ type: 'text', transformer: json })
  channels!: HttpToolChannel[];

  @Column({ name: 'side_effects', type: 'boolean' })
  sideEffects!: boolean;

  @Column({ name: 'allow_private_network', type: 'boolean' })
  allowPrivateNetwork!: boolean;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt!: number;
}

@Entity({ name: 'http_tool_calls' })
@Index(['toolId', 'createdAt'])
export class HttpToolCallEntity implements HttpToolCallRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'tool_id', type: 'varchar', length: 36 })
  toolId!: string;

  @Column({ name: 'tool_name', type: 'varchar', length: 64 })
  toolName!: string;

  @Column({ type: 'varchar', length: 16 })
  channel!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  route!: string | null;

  @Column({ type: 'text' })
  arguments!: string;

  @Column({ type: 'varchar', length: 24 })
  outcome!: HttpToolOutcome;

  @Column({ name: 'http_status', type: 'integer', nullable: true })
  httpStatus!: number | null;

  @Column({ name: 'latency_ms', type: 'integer' })
  latencyMs!: number;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;
}

export const HTTP_TOOL_ENTITIES = [HttpToolEntity, HttpToolCallEntity];
