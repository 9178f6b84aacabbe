import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { isLocalUrl } from '../../core/net/outbound-policy.js';
import { col, qualified } from './helpers.js';

/** Providers say whether they run locally (judged from their URL for existing ones); personas may be local only. */
export class LlmLocal1765800000000 implements MigrationInterface {
  name = 'LlmLocal1765800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('llm_providers', new TableColumn(col.bool('local')));
    await q.addColumn('llm_personas', new TableColumn(col.bool('local_only')));
    const table = qualified(q, 'llm_providers');
    const providers = (await q.query(`SELECT id, base_url FROM ${table}`)) as Array<{ id: string; base_url: string }>;
    for (const p of providers.filter((row) => isLocalUrl(row.base_url) && /^[0-9A-Za-z-]+$/.test(row.id)))
      await q.query(`UPDATE ${table} SET "local" = TRUE WHERE id = '${p.id}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('llm_personas', 'local_only');
    await q.dropColumn('llm_providers', 'local');
  }
}
