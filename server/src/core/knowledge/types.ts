export type DocumentFormat = 'markdown' | 'text' | 'html';
export const DOCUMENT_FORMATS: readonly DocumentFormat[] = ['markdown', 'text', 'html'];

/** One document of the business (price list, delivery terms, …) as stored. */
export interface KnowledgeDocumentRecord {
  id: string;
  title: string;
  /** The uploaded file's name, or "text" for a document sent as JSON. */
  source: string;
  format: DocumentFormat;
  language: string | null;
  enabled: boolean;
  /** 1 at creation, +1 each time the text changes (re-indexed). */
  version: number;
  /** SHA-256 of the text. */
  contentHash: string;
  text: string;
  passageCount: number;
  createdAt: number;
  updatedAt: number;
}

export interface KnowledgePassageRecord {
  id: string;
  documentId: string;
  position: number;
  heading: string;
  body: string;
}

/** A passage a question retrieved, with the engine's score (higher is better). */
export interface KnowledgeHit {
  passageId: string;
  documentId: string;
  title: string;
  source: string;
  version: number;
  heading: string;
  body: string;
  score: number;
}

/** The database side; each driver searches with its own full-text engine (FTS5 bm25 / tsvector ts_rank_cd). */
export interface KnowledgeStore {
  /** Which engine answers `search` ("sqlite-fts5", "postgres-tsvector"). */
  readonly engine: string;
  /** The score below which a hit is noise, on this engine's scale. */
  readonly defaultMinScore: number;
  /** Writes the document and replaces its passages (and their index rows) in one transaction. */
  save(document: KnowledgeDocumentRecord, passages: KnowledgePassageRecord[]): Promise<void>;
  setFlags(id: string, patch: { title?: string; enabled?: boolean; updatedAt: number }): Promise<void>;
  remove(id: string): Promise<boolean>;
  list(): Promise<KnowledgeDocumentRecord[]>;
  get(id: string): Promise<KnowledgeDocumentRecord | null>;
  passages(documentId: string): Promise<KnowledgePassageRecord[]>;
  countEnabled(): Promise<number>;
  /** The best passages of enabled documents for `query`, best first. */
  search(query: string, limit: number): Promise<KnowledgeHit[]>;
}
