import type { FindOptionsWhere, ObjectLiteral, Repository } from 'typeorm';

/**
 * Inserts `row` unless a row matching `key` (a unique index) exists; returns the stored row and whether this
 * call created it. Two concurrent claims of the same key: the unique index decides, the loser gets the winner's.
 */
export async function claimRow<T extends ObjectLiteral>(
  repo: Repository<T>,
  key: FindOptionsWhere<T>,
  row: T,
): Promise<{ row: T; created: boolean }> {
  const existing = await repo.findOneBy(key);
  if (existing) return { row: existing, created: false };
  try {
    await repo.insert(row);
    return { row, created: true };
  } catch (error) {
    const raced = await repo.findOneBy(key);
    if (raced) return { row: raced, created: false };
    throw error;
  }
}
