import { Table, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';
import { col } from './helpers.js';

const real = (name: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'double precision',
  isNullable: nullable,
});

/** LLM router: providers, personas, FAQ, usage, limits, prices, conversation memory. */
export class Llm1763800000000 implements MigrationInterface {
  name = 'Llm1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'llm_providers',
        columns: [
          col.id(),
          { ...col.varchar('name', 64), isUnique: true },
          col.varchar('type', 16),
          col.varchar('base_url', 512),
          col.text('api_key_sealed', true),
          col.varchar('api_key_hint', 32, true),
          col.text('models'),
          col.int('priority'),
          col.bool('enabled'),
          col.int('timeout_ms'),
          col.int('max_concurrency'),
          col.ms('created_at'),
          col.ms('updated_at'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'llm_personas',
        columns: [
          col.id(),
          { ...col.varchar('slug', 64), isUnique: true },
          col.varchar('name', 128),
          col.varchar('language', 16),
          col.text('system_prompt'),
          col.varchar('route', 256),
          col.varchar('business_name', 128),
          col.varchar('timezone', 64),
          real('temperature', true),
          real('top_p', true),
          col.int('max_tokens', true),
          col.bool('use_faq'),
          col.ms('created_at'),
          col.ms('updated_at'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'llm_faq',
        columns: [
          col.id(),
          col.text('questions'),
          col.text('answer'),
          col.varchar('language', 16),
          col.bool('enabled'),
          { ...col.int('hits'), default: 0 },
          col.ms('created_at'),
          col.ms('updated_at'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'llm_usage',
        columns: [
          col.serial(),
          col.ms('at'),
          col.varchar('route', 256),
          col.varchar('provider', 64),
          col.varchar('model', 256),
          col.varchar('channel', 32),
          col.varchar('instance_id', 128, true),
          col.varchar('user_id', 36, true),
          col.varchar('api_key_id', 36, true),
          col.int('prompt_tokens'),
          col.int('completion_tokens'),
          col.int('ttft_ms', true),
          col.int('duration_ms'),
          real('cost_usd'),
          col.int('attempts'),
          col.varchar('outcome', 16),
        ],
        indices: [
          new TableIndex({ columnNames: ['at'] }),
          new TableIndex({ columnNames: ['route', 'at'] }),
          new TableIndex({ columnNames: ['api_key_id', 'at'] }),
          new TableIndex({ columnNames: ['instance_id', 'at'] }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'llm_limits',
        columns: [
          col.id(),
          col.varchar('scope', 16),
          col.varchar('subject', 256),
          col.varchar('metric', 16),
          real('daily_max'),
          col.varchar('action', 16),
          col.ms('created_at'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'llm_prices',
        columns: [
          { ...col.varchar('model', 256), isPrimary: true },
          real('input_per_million_usd'),
          real('output_per_million_usd'),
          col.ms('updated_at'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'llm_conversations',
        columns: [
          { ...col.varchar('key', 256), isPrimary: true },
          col.varchar('channel', 32),
          col.text('messages'),
          col.int('tokens'),
          col.ms('updated_at'),
        ],
        indices: [new TableIndex({ columnNames: ['updated_at'] })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'llm_conversations',
      'llm_prices',
      'llm_limits',
      'llm_usage',
      'llm_faq',
      'llm_personas',
      'llm_providers',
    ]) {
      await q.dropTable(table);
    }
  }
}
