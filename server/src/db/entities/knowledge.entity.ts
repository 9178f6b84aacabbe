import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { DocumentFormat, KnowledgeDocumentRecord, KnowledgePassageRecord } from '../../core/knowledge/types.js';
import { epochMs } from '../columns.js';

@Entity({ name: 'knowledge_documents' })
export class KnowledgeDocumentEntity implements KnowledgeDocumentRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 256 })
  title!: string;

  @Column({ type: 'varchar', length: 256 })
  source!: string;

  @Column({ type: 'varchar', length: 16 })
  format!: DocumentFormat;

  @Column({ type: 'varchar', length: 16, nullable: true })
  language!: string | null;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'content_hash', type: 'varchar', length: 64 })
  contentHash!: string;

  @Column({ type: 'text' })
  text!: string;

  @Column({ name: 'passage_count', type: 'integer' })
  passageCount!: number;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt!: number;
}

/** One passage; its index row lives in `knowledge_fts` (SQLite) or its generated `search` column (PostgreSQL). */
@Entity({ name: 'knowledge_passages' })
@Index(['documentId', 'position'])
export class KnowledgePassageEntity implements KnowledgePassageRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'document_id', type: 'varchar', length: 36 })
  documentId!: string;

  @Column({ type: 'integer' })
  position!: number;

  @Column({ type: 'text' })
  heading!: string;

  @Column({ type: 'text' })
  body!: string;
}

export const KNOWLEDGE_ENTITIES = [KnowledgeDocumentEntity, KnowledgePassageEntity];
