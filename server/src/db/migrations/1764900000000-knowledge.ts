import { Table, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col, qualified } from './helpers.js';

/**
 * The full-text index of each engine. SQLite: an FTS5 table of stemmed terms (our Russian/English stemmer,
 * `unicode61` folding case and diacritics). PostgreSQL: a generated `tsvector` from the `russian` and
 * `english` configurations (heading weighted A, body B) under a GIN index.
 */
const SEARCH_VECTOR =
  "setweight(to_tsvector('russian'::regconfig, heading), 'A') || setweight(to_tsvector('english'::regconfig, heading), 'A') || " +
  "setweight(to_tsvector('russian'::regconfig, body), 'B') || setweight(to_tsvector('english'::regconfig, body), 'B')";

async function createIndex(q: QueryRunner): Promise<void> {
  if (q.connection.options.type === 'postgres') {
    const table = qualified(q, 'knowledge_passages');
    await q.query(`ALTER TABLE ${table} ADD COLUMN search tsvector GENERATED ALWAYS AS (${SEARCH_VECTOR}) STORED`);
    await q.query(`CREATE INDEX "IDX_knowledge_passages_search" ON ${table} USING GIN (search)`);
    return;
  }
  await q.query(
    "CREATE VIRTUAL TABLE knowledge_fts USING fts5(passage_id UNINDEXED, document_id UNINDEXED, heading, body, tokenize = 'unicode61 remove_diacritics 2')",
  );
}

/** Documents of the business and their passages, searched by the database's own full-text engine. */
export class Knowledge1764900000000 implements MigrationInterface {
  name = 'Knowledge1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'knowledge_documents',
        columns: [
          col.id(),
          col.varchar('title', 256),
          col.varchar('source', 256),
          col.varchar('format', 16),
          col.varchar('language', 16, true),
          col.bool('enabled'),
          col.int('version'),
          col.varchar('content_hash', 64),
          col.text('text'),
          col.int('passage_count'),
          col.ms('created_at'),
          col.ms('updated_at'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'knowledge_passages',
        columns: [col.id(), col.varchar('document_id', 36), col.int('position'), col.text('heading'), col.text('body')],
        indices: [new TableIndex({ columnNames: ['document_id', 'position'] })],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['document_id'],
            referencedTableName: 'knowledge_documents',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
    await createIndex(q);
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.options.type !== 'postgres') await q.query('DROP TABLE knowledge_fts');
    await q.dropTable('knowledge_passages');
    await q.dropTable('knowledge_documents');
  }
}
