import type { DataSource, EntityManager } from 'typeorm';
import { contentWords, stems } from '../../core/knowledge/stem.js';
import type { KnowledgeHit, KnowledgePassageRecord, KnowledgeStore } from '../../core/knowledge/types.js';
import { KnowledgeDocumentEntity, KnowledgePassageEntity } from '../entities/knowledge.entity.js';

/** A hit as either engine's query returns it (PostgreSQL names come back lower-case, numbers maybe strings). */
interface HitRow {
  passage_id: string;
  document_id: string;
  title: string;
  source: string;
  version: number | string;
  heading: string;
  body: string;
  score: number | string;
}

const toHit = (row: HitRow): KnowledgeHit => ({
  passageId: row.passage_id,
  documentId: row.document_id,
  title: row.title,
  source: row.source,
  version: Number(row.version),
  heading: row.heading,
  body: row.body,
  score: Number(row.score),
});

function tableOf(db: DataSource, entity: typeof KnowledgeDocumentEntity | typeof KnowledgePassageEntity): string {
  return db
    .getMetadata(entity)
    .tablePath.split('.')
    .map((n) => db.driver.escape(n))
    .join('.');
}

/** Distinct stems, each quoted as an FTS5 string, any of them may match. */
export function ftsQuery(text: string): string {
  return [...new Set(stems(text))].map((s) => `"${s}"`).join(' OR ');
}

/** Question words as a tsquery where any may match (stop words of both languages left out first). */
export function tsQueryText(text: string): string {
  return [...new Set(contentWords(text))].join(' | ');
}

const HITS_SELECT =
  'p.id AS passage_id, p.document_id AS document_id, d.title AS title, d.source AS source, d.version AS version, ' +
  'p.heading AS heading, p.body AS body';

interface Engine {
  engine: string;
  defaultMinScore: number;
  /** Index rows of the passages just written (SQLite only; PostgreSQL's column is generated). */
  indexPassages(m: EntityManager, passages: KnowledgePassageRecord[]): Promise<void>;
  unindex(m: EntityManager, documentId: string): Promise<void>;
  search(query: string, limit: number): Promise<KnowledgeHit[]>;
}

function sqliteEngine(db: DataSource): Engine {
  const passages = tableOf(db, KnowledgePassageEntity);
  const documents = tableOf(db, KnowledgeDocumentEntity);
  return {
    engine: 'sqlite-fts5',
    defaultMinScore: 0.5,
    async indexPassages(m, rows) {
      for (const p of rows) {
        await m.query('INSERT INTO knowledge_fts (passage_id, document_id, heading, body) VALUES (?, ?, ?, ?)', [
          p.id,
          p.documentId,
          stems(p.heading).join(' '),
          stems(p.body).join(' '),
        ]);
      }
    },
    async unindex(m, documentId) {
      await m.query('DELETE FROM knowledge_fts WHERE document_id = ?', [documentId]);
    },
    async search(query, limit) {
      const match = ftsQuery(query);
      if (match === '') return [];
      const rows: HitRow[] = await db.query(
        `SELECT ${HITS_SELECT}, -bm25(knowledge_fts, 0, 0, 2.0, 1.0) AS score FROM knowledge_fts ` +
          `JOIN ${passages} p ON p.id = knowledge_fts.passage_id JOIN ${documents} d ON d.id = p.document_id ` +
          'WHERE knowledge_fts MATCH ? AND d.enabled = 1 ORDER BY score DESC LIMIT ?',
        [match, limit],
      );
      return rows.map(toHit);
    },
  };
}

function postgresEngine(db: DataSource): Engine {
  const passages = tableOf(db, KnowledgePassageEntity);
  const documents = tableOf(db, KnowledgeDocumentEntity);
  return {
    engine: 'postgres-tsvector',
    defaultMinScore: 0.05,
    indexPassages: async () => {},
    unindex: async () => {},
    async search(query, limit) {
      const text = tsQueryText(query);
      if (text === '') return [];
      const rows: HitRow[] = await db.query(
        `WITH q AS (SELECT to_tsquery('russian'::regconfig, $1) || to_tsquery('english'::regconfig, $1) AS query) ` +
          `SELECT ${HITS_SELECT}, ts_rank_cd(p.search, q.query, 32) AS score FROM q, ${passages} p ` +
          `JOIN ${documents} d ON d.id = p.document_id WHERE p.search @@ q.query AND d.enabled ` +
          'ORDER BY score DESC LIMIT $2',
        [text, limit],
      );
      return rows.map(toHit);
    },
  };
}

export function createKnowledgeStore(db: DataSource): KnowledgeStore {
  const docs = db.getRepository(KnowledgeDocumentEntity);
  const engine = db.options.type === 'postgres' ? postgresEngine(db) : sqliteEngine(db);
  return {
    engine: engine.engine,
    defaultMinScore: engine.defaultMinScore,
    async save(document, passages) {
      await db.transaction(async (m) => {
        await m.getRepository(KnowledgeDocumentEntity).save(document);
        await engine.unindex(m, document.id);
        await m.getRepository(KnowledgePassageEntity).delete({ documentId: document.id });
        if (passages.length > 0) await m.getRepository(KnowledgePassageEntity).insert(passages);
        await engine.indexPassages(m, passages);
      });
    },
    async setFlags(id, patch) {
      await docs.update({ id }, patch);
    },
    async remove(id) {
      return db.transaction(async (m) => {
        await engine.unindex(m, id);
        await m.getRepository(KnowledgePassageEntity).delete({ documentId: id });
        return ((await m.getRepository(KnowledgeDocumentEntity).delete({ id })).affected ?? 0) > 0;
      });
    },
    list: () => docs.find({ order: { createdAt: 'ASC' } }),
    get: (id) => docs.findOneBy({ id }),
    passages: (documentId) =>
      db.getRepository(KnowledgePassageEntity).find({ where: { documentId }, order: { position: 'ASC' } }),
    countEnabled: () => docs.countBy({ enabled: true }),
    search: (query, limit) => engine.search(query, limit),
  };
}
