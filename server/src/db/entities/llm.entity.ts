import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type {
  ConversationRecord,
  FaqRecord,
  LimitAction,
  LimitMetric,
  LimitRecord,
  LimitScope,
  PersonaRecord,
  PriceRecord,
  ProviderRecord,
  UsageRecord,
} from '../../core/llm/records.js';
import type { ChatMessage, ProviderType } from '../../core/llm/types.js';
import { epochMs, json } from '../columns.js';

/** PostgreSQL returns REAL/DOUBLE as numbers but NUMERIC as strings; keep numbers numbers. */
const real = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? null : Number(value)),
};

@Entity({ name: 'llm_providers' })
export class LlmProviderEntity implements ProviderRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ type: 'varchar', length: 64, unique: true }) name!: string;
  @Column({ type: 'varchar', length: 16 }) type!: ProviderType;
  @Column({ name: 'base_url', type: 'varchar', length: 512 }) baseUrl!: string;
  @Column({ name: 'api_key_sealed', type: 'text', nullable: true }) apiKeySealed!: string | null;
  @Column({ name: 'api_key_hint', type: 'varchar', length: 32, nullable: true }) apiKeyHint!: string | null;
  @Column({ type: 'text', transformer: json }) models!: string[];
  @Column({ type: 'integer' }) priority!: number;
  @Column({ type: 'boolean' }) enabled!: boolean;
  @Column({ name: 'timeout_ms', type: 'integer' }) timeoutMs!: number;
  @Column({ name: 'max_concurrency', type: 'integer' }) maxConcurrency!: number;
  @Column({ type: 'boolean' }) local!: boolean;
  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs }) createdAt!: number;
  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs }) updatedAt!: number;
}

@Entity({ name: 'llm_personas' })
export class LlmPersonaEntity implements PersonaRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ type: 'varchar', length: 64, unique: true }) slug!: string;
  @Column({ type: 'varchar', length: 128 }) name!: string;
  @Column({ type: 'varchar', length: 16 }) language!: string;
  @Column({ name: 'system_prompt', type: 'text' }) systemPrompt!: string;
  @Column({ type: 'varchar', length: 256 }) route!: string;
  @Column({ name: 'business_name', type: 'varchar', length: 128 }) businessName!: string;
  @Column({ type: 'varchar', length: 64 }) timezone!: string;
  @Column({ type: 'double precision', nullable: true, transformer: real }) temperature!: number | null;
  @Column({ name: 'top_p', type: 'double precision', nullable: true, transformer: real }) topP!: number | null;
  @Column({ name: 'max_tokens', type: 'integer', nullable: true }) maxTokens!: number | null;
  @Column({ name: 'use_faq', type: 'boolean' }) useFaq!: boolean;
  @Column({ name: 'local_only', type: 'boolean' }) localOnly!: boolean;
  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs }) createdAt!: number;
  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs }) updatedAt!: number;
}

@Entity({ name: 'llm_faq' })
export class LlmFaqEntity implements FaqRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ type: 'text', transformer: json }) questions!: string[];
  @Column({ type: 'text' }) answer!: string;
  @Column({ type: 'varchar', length: 16 }) language!: string;
  @Column({ type: 'boolean' }) enabled!: boolean;
  @Column({ type: 'integer' }) hits!: number;
  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs }) createdAt!: number;
  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs }) updatedAt!: number;
}

@Entity({ name: 'llm_usage' })
export class LlmUsageEntity implements UsageRecord {
  @PrimaryGeneratedColumn({ type: 'integer' }) id!: number;
  @Column({ type: 'bigint', transformer: epochMs }) at!: number;
  @Column({ type: 'varchar', length: 256 }) route!: string;
  @Column({ type: 'varchar', length: 64 }) provider!: string;
  @Column({ type: 'varchar', length: 256 }) model!: string;
  @Column({ type: 'varchar', length: 32 }) channel!: string;
  @Column({ name: 'instance_id', type: 'varchar', length: 128, nullable: true }) instanceId!: string | null;
  @Column({ name: 'user_id', type: 'varchar', length: 36, nullable: true }) userId!: string | null;
  @Column({ name: 'api_key_id', type: 'varchar', length: 36, nullable: true }) apiKeyId!: string | null;
  @Column({ name: 'prompt_tokens', type: 'integer' }) promptTokens!: number;
  @Column({ name: 'completion_tokens', type: 'integer' }) completionTokens!: number;
  @Column({ name: 'ttft_ms', type: 'integer', nullable: true }) ttftMs!: number | null;
  @Column({ name: 'duration_ms', type: 'integer' }) durationMs!: number;
  @Column({ name: 'cost_usd', type: 'double precision', transformer: real }) costUsd!: number;
  @Column({ type: 'integer' }) attempts!: number;
  @Column({ type: 'varchar', length: 16 }) outcome!: UsageRecord['outcome'];
}

@Entity({ name: 'llm_limits' })
export class LlmLimitEntity implements LimitRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ type: 'varchar', length: 16 }) scope!: LimitScope;
  @Column({ type: 'varchar', length: 256 }) subject!: string;
  @Column({ type: 'varchar', length: 16 }) metric!: LimitMetric;
  @Column({ name: 'daily_max', type: 'double precision', transformer: real }) dailyMax!: number;
  @Column({ type: 'varchar', length: 16 }) action!: LimitAction;
  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs }) createdAt!: number;
}

@Entity({ name: 'llm_prices' })
export class LlmPriceEntity implements PriceRecord {
  @PrimaryColumn({ type: 'varchar', length: 256 }) model!: string;
  @Column({ name: 'input_per_million_usd', type: 'double precision', transformer: real }) inputPerMillionUsd!: number;
  @Column({ name: 'output_per_million_usd', type: 'double precision', transformer: real }) outputPerMillionUsd!: number;
  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs }) updatedAt!: number;
}

@Entity({ name: 'llm_conversations' })
export class LlmConversationEntity implements ConversationRecord {
  @PrimaryColumn({ type: 'varchar', length: 256 }) key!: string;
  @Column({ type: 'varchar', length: 32 }) channel!: string;
  @Column({ type: 'text', transformer: json }) messages!: ChatMessage[];
  @Column({ type: 'integer' }) tokens!: number;
  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs }) updatedAt!: number;
}

export const LLM_ENTITIES = [
  LlmProviderEntity,
  LlmPersonaEntity,
  LlmFaqEntity,
  LlmUsageEntity,
  LlmLimitEntity,
  LlmPriceEntity,
  LlmConversationEntity,
];
