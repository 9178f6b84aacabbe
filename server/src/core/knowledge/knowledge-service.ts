import { sha256Hex } from '../ids.js';
import { KnowledgeInputError, NotFoundError } from '../../errors.js';
import { htmlToMarkdown } from './html.js';
import { splitPassages, type Passage } from './split.js';
import type {
  DocumentFormat,
  KnowledgeDocumentRecord,
  KnowledgeHit,
  KnowledgePassageRecord,
  KnowledgeStore,
} from './types.js';

export interface NewDocument {
  title: string;
  text: string;
  format: DocumentFormat;
  language?: string | null;
  source: string;
}

export interface DocumentPatch {
  title?: string;
  enabled?: boolean;
  text?: string;
}

export interface KnowledgeServiceDeps {
  store: KnowledgeStore;
  clock: () => number;
  newId: () => string;
  /** Overrides the store's own threshold (its engine's scale). */
  minScore?: number | undefined;
  maxPassageChars?: number;
}

const DEFAULT_LIMIT = 5;

/** Documents of the business, cut into passages, searched with the database's full-text engine. */
export function createKnowledgeService(deps: KnowledgeServiceDeps) {
  const { store } = deps;
  const minScore = deps.minScore ?? store.defaultMinScore;
  let anyEnabled = false;
  /** Re-reads whether an enabled document exists (after each write; read synchronously by the voice engine). */
  const refresh = async () => {
    anyEnabled = (await store.countEnabled()) > 0;
  };
  const refreshed = async <T>(value: T): Promise<T> => {
    await refresh();
    return value;
  };

  function cutPassages(text: string, format: DocumentFormat): Passage[] {
    const source = format === 'html' ? htmlToMarkdown(text) : text;
    const passages = splitPassages(source, format !== 'text', deps.maxPassageChars);
    if (passages.length === 0) throw new KnowledgeInputError('The document has no text', 'EMPTY_DOCUMENT');
    return passages;
  }

  async function index(document: KnowledgeDocumentRecord): Promise<KnowledgeDocumentRecord> {
    const passages = cutPassages(document.text, document.format).map((p, position): KnowledgePassageRecord => ({
      id: deps.newId(),
      documentId: document.id,
      position,
      heading: p.heading,
      body: p.text,
    }));
    const saved = { ...document, passageCount: passages.length, contentHash: sha256Hex(document.text) };
    await store.save(saved, passages);
    return refreshed(saved);
  }

  async function existing(id: string): Promise<KnowledgeDocumentRecord> {
    const found = await store.get(id);
    if (!found) throw new NotFoundError(`Document ${id}`);
    return found;
  }

  async function create(input: NewDocument): Promise<KnowledgeDocumentRecord> {
    const now = deps.clock();
    return index({
      id: deps.newId(),
      title: input.title.trim(),
      source: input.source,
      format: input.format,
      language: input.language ?? null,
      enabled: true,
      version: 1,
      contentHash: '',
      text: input.text,
      passageCount: 0,
      createdAt: now,
      updatedAt: now,
    });
  }

  async function update(id: string, patch: DocumentPatch): Promise<KnowledgeDocumentRecord> {
    const document = await existing(id);
    const now = deps.clock();
    const flags = {
      ...(patch.title !== undefined ? { title: patch.title.trim() } : {}),
      ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
    };
    if (patch.text !== undefined && patch.text !== document.text) {
      return index({ ...document, ...flags, text: patch.text, version: document.version + 1, updatedAt: now });
    }
    await store.setFlags(id, { ...flags, updatedAt: now });
    return refreshed({ ...document, ...flags, updatedAt: now });
  }

  async function remove(id: string): Promise<KnowledgeDocumentRecord> {
    const document = await existing(id);
    await store.remove(id);
    return refreshed(document);
  }

  /** Cuts and indexes the stored text again (after the splitter or the stemmer changed). */
  async function reindex(id: string): Promise<KnowledgeDocumentRecord> {
    return index({ ...(await existing(id)), updatedAt: deps.clock() });
  }

  /** The passages above the threshold, best first. */
  async function search(query: string, limit = DEFAULT_LIMIT): Promise<KnowledgeHit[]> {
    if (query.trim() === '') return [];
    const hits = await store.search(query, limit);
    return hits.filter((h) => h.score >= minScore);
  }

  return {
    create,
    update,
    remove,
    reindex,
    search,
    list: () => store.list(),
    get: existing,
    passages: (id: string) => store.passages(id),
    hasEnabled: async () => (await store.countEnabled()) > 0,
    /** Whether an enabled document existed after the last write (or `refresh`). */
    anyEnabled: () => anyEnabled,
    refresh,
    engine: store.engine,
    minScore,
  };
}

export type KnowledgeService = ReturnType<typeof createKnowledgeService>;
