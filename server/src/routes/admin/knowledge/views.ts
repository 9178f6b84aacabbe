import type { Static } from 'typebox';
import type { KnowledgeDocumentView, KnowledgeHitView } from '@ai-secretary/protocol';
import type { KnowledgeDocumentRecord, KnowledgeHit, KnowledgePassageRecord } from '../../../core/knowledge/types.js';

export function toDocumentView(d: KnowledgeDocumentRecord): KnowledgeDocumentView {
  return {
    id: d.id,
    title: d.title,
    source: d.source,
    format: d.format,
    language: d.language,
    enabled: d.enabled,
    version: d.version,
    contentHash: d.contentHash,
    passageCount: d.passageCount,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

export const toPassageView = (p: KnowledgePassageRecord) => ({
  id: p.id,
  position: p.position,
  heading: p.heading,
  text: p.body,
});

export function toHitView(h: KnowledgeHit): Static<typeof KnowledgeHitView> {
  return {
    passageId: h.passageId,
    documentId: h.documentId,
    title: h.title,
    source: h.source,
    version: h.version,
    heading: h.heading,
    text: h.body,
    score: h.score,
  };
}
