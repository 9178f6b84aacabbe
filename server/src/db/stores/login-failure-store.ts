import { LessThan, type DataSource } from 'typeorm';
import type { LoginFailureStore } from '../../core/auth/types.js';
import { LoginFailureEntity } from '../entities/login-failure.entity.js';

/** One atomic upsert per failure, so parallel wrong passwords are all counted. */
function upsertSql(db: DataSource, restart: boolean): string {
  const postgres = db.options.type === 'postgres';
  const p = (n: number) => (postgres ? `$${n}` : '?');
  const table = db
    .getMetadata(LoginFailureEntity)
    .tablePath.split('.')
    .map((n) => db.driver.escape(n))
    .join('.');
  const failures = restart ? '1' : 'existing.failures + 1';
  return (
    `INSERT INTO ${table} AS existing (ip, username, failures, last_failure_at) VALUES (${p(1)}, ${p(2)}, 1, ${p(3)}) ` +
    `ON CONFLICT (ip, username) DO UPDATE SET failures = ${failures}, last_failure_at = excluded.last_failure_at`
  );
}

export function createLoginFailureStore(db: DataSource): LoginFailureStore {
  const repo = db.getRepository(LoginFailureEntity);
  return {
    find: (ip, username) =>
      repo.find({
        where: [
          { ip, username: '' },
          { ip, username },
        ],
      }),
    async recordFailure(ip, username, at, restart) {
      await db.query(upsertSql(db, restart), [ip, username, at]);
    },
    async clear(ip, username) {
      await repo.delete({ ip, username });
    },
    async clearUsername(username) {
      if (username === '') return 0;
      return (await repo.delete({ username })).affected ?? 0;
    },
    async forgetBefore(at) {
      await repo.delete({ lastFailureAt: LessThan(at) });
    },
  };
}
