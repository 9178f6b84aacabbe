import { Type, type Static } from 'typebox';
import { StrictObject } from '../common.js';

export const KnowledgeFormat = Type.Union([Type.Literal('markdown'), Type.Literal('text'), Type.Literal('html')]);
export type KnowledgeFormat = Static<typeof KnowledgeFormat>;

const Title = Type.String({ minLength: 1, maxLength: 256, pattern: '\\S' });
/** Longest document text sent as JSON (uploads have their own byte limit). */
export const MAX_KNOWLEDGE_TEXT_CHARS = 2_000_000;

/** POST /api/knowledge/documents (JSON). */
export const CreateKnowledgeDocumentRequest = StrictObject({
  title: Title,
  text: Type.String({ minLength: 1, maxLength: MAX_KNOWLEDGE_TEXT_CHARS }),
  format: KnowledgeFormat,
  language: Type.Optional(Type.String({ minLength: 2, maxLength: 16 })),
});
export type CreateKnowledgeDocumentRequest = Static<typeof CreateKnowledgeDocumentRequest>;

/** PATCH /api/knowledge/documents/:id; a changed text is re-indexed as a new version. */
export const UpdateKnowledgeDocumentRequest = StrictObject({
  title: Type.Optional(Title),
  enabled: Type.Optional(Type.Boolean()),
  text: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_KNOWLEDGE_TEXT_CHARS })),
});
export type UpdateKnowledgeDocumentRequest = Static<typeof UpdateKnowledgeDocumentRequest>;

export const KnowledgeDocumentView = StrictObject({
  id: Type.String(),
  title: Type.String(),
  source: Type.String({ description: 'The uploaded file name, or "text"' }),
  format: KnowledgeFormat,
  language: Type.Union([Type.String(), Type.Null()]),
  enabled: Type.Boolean(),
  version: Type.Integer(),
  contentHash: Type.String(),
  passageCount: Type.Integer(),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
});
export type KnowledgeDocumentView = Static<typeof KnowledgeDocumentView>;

export const KnowledgePassageView = StrictObject({
  id: Type.String(),
  position: Type.Integer(),
  heading: Type.String(),
  text: Type.String(),
});

export const KnowledgeDocumentDetail = StrictObject({
  document: KnowledgeDocumentView,
  text: Type.String(),
  passages: Type.Array(KnowledgePassageView),
});

export const KnowledgeSearchQuery = StrictObject({
  q: Type.String({ minLength: 1, maxLength: 1000 }),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
});

export const KnowledgeHitView = StrictObject({
  passageId: Type.String(),
  documentId: Type.String(),
  title: Type.String(),
  source: Type.String(),
  version: Type.Integer(),
  heading: Type.String(),
  text: Type.String(),
  score: Type.Number(),
});

export const KnowledgeSearchResult = StrictObject({
  engine: Type.String(),
  minScore: Type.Number(),
  hits: Type.Array(KnowledgeHitView),
});
