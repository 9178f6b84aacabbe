import type { DataSource, Repository, SelectQueryBuilder } from 'typeorm';
import { insertRows } from '../insert-rows.js';
import type {
  ConversationStore,
  FaqStore,
  LimitScope,
  LimitStore,
  PersonaStore,
  PriceStore,
  ProviderStore,
  UsageGroupRow,
  UsageRecord,
  UsageStore,
  UsageTotals,
} from '../../core/llm/records.js';
import {
  LlmConversationEntity,
  LlmFaqEntity,
  LlmLimitEntity,
  LlmPersonaEntity,
  LlmPriceEntity,
  LlmProviderEntity,
  LlmUsageEntity,
} from '../entities/llm.entity.js';

type Crud<T extends { id: string }> = {
  list: () => Promise<T[]>;
  insert: (record: T) => Promise<void>;
  update: (id: string, patch: Partial<Omit<T, 'id'>>) => Promise<void>;
  remove: (id: string) => Promise<void>;
};

function crud<T extends { id: string }>(repo: Repository<T>): Crud<T> {
  return {
    list: () => repo.find(),
    insert: async (record) => {
      await repo.insert(record as never);
    },
    update: async (id, patch) => {
      await repo.update(id, patch as never);
    },
    remove: async (id) => {
      await repo.delete(id);
    },
  };
}

export function createProviderStore(db: DataSource): ProviderStore {
  const repo = db.getRepository(LlmProviderEntity);
  return { ...crud(repo), findById: (id) => repo.findOneBy({ id }) };
}

export function createPersonaStore(db: DataSource): PersonaStore {
  return crud(db.getRepository(LlmPersonaEntity));
}

export function createFaqStore(db: DataSource): FaqStore {
  const repo = db.getRepository(LlmFaqEntity);
  return {
    ...crud(repo),
    async addHits(id, count) {
      await repo.increment({ id }, 'hits', count);
    },
  };
}

export function createLimitStore(db: DataSource): LimitStore {
  const { list, insert, remove } = crud(db.getRepository(LlmLimitEntity));
  return { list, insert, remove };
}

export function createPriceStore(db: DataSource): PriceStore {
  const repo = db.getRepository(LlmPriceEntity);
  return {
    list: () => repo.find(),
    async upsert(record) {
      await repo.save(repo.create(record));
    },
    async remove(model) {
      await repo.delete({ model });
    },
  };
}

export function createConversationStore(db: DataSource): ConversationStore {
  const repo = db.getRepository(LlmConversationEntity);
  return {
    find: (key) => repo.findOneBy({ key }),
    async save(record) {
      await repo.save(repo.create(record));
    },
    async remove(key) {
      await repo.delete({ key });
    },
  };
}

const GROUP_COLUMNS = {
  provider: 'u.provider',
  model: 'u.model',
  route: 'u.route',
  channel: 'u.channel',
  api_key: 'u.api_key_id',
  instance: 'u.instance_id',
} as const;

const SCOPE_COLUMNS = {
  route: 'u.route',
  instance: 'u.instance_id',
  api_key: 'u.api_key_id',
  instance_user: 'u.instance_id',
} as const;

/** `instance_user` subjects are `<instance>|<user>` (core/llm/usage userSubject); without a user: the instance. */
function subjectWhere(scope: LimitScope, subject: string): [string, Record<string, string>] {
  const bar = subject.lastIndexOf('|');
  if (scope !== 'instance_user' || bar < 0) return [`${SCOPE_COLUMNS[scope]} = :subject`, { subject }];
  return [
    'u.instance_id = :subject AND u.user_id = :user',
    { subject: subject.slice(0, bar), user: subject.slice(bar + 1) },
  ];
}

/** FAQ answers are counted in usage but not against limits or request totals. */
function selectTotals(qb: SelectQueryBuilder<LlmUsageEntity>): SelectQueryBuilder<LlmUsageEntity> {
  return qb
    .addSelect(`SUM(CASE WHEN u.outcome = 'faq' THEN 0 ELSE 1 END)`, 'requests')
    .addSelect('COALESCE(SUM(u.prompt_tokens), 0)', 'prompt_tokens')
    .addSelect('COALESCE(SUM(u.completion_tokens), 0)', 'completion_tokens')
    .addSelect('COALESCE(SUM(u.cost_usd), 0)', 'cost_usd');
}

function toTotals(row: Record<string, unknown> | undefined): UsageTotals {
  return {
    requests: Number(row?.requests ?? 0),
    promptTokens: Number(row?.prompt_tokens ?? 0),
    completionTokens: Number(row?.completion_tokens ?? 0),
    costUsd: Number(row?.cost_usd ?? 0),
  };
}

const INSERT_CHUNK_ROWS = 100;
/** Each usage column with the record field it stores: one list for the column names and the row values. */
const USAGE_COLUMNS: Array<[string, keyof UsageRecord]> = [
  ['at', 'at'],
  ['route', 'route'],
  ['provider', 'provider'],
  ['model', 'model'],
  ['channel', 'channel'],
  ['instance_id', 'instanceId'],
  ['user_id', 'userId'],
  ['api_key_id', 'apiKeyId'],
  ['prompt_tokens', 'promptTokens'],
  ['completion_tokens', 'completionTokens'],
  ['ttft_ms', 'ttftMs'],
  ['duration_ms', 'durationMs'],
  ['cost_usd', 'costUsd'],
  ['attempts', 'attempts'],
  ['outcome', 'outcome'],
];
const USAGE_COLUMN_NAMES = USAGE_COLUMNS.map(([column]) => column);
const usageRow = (record: UsageRecord): unknown[] => USAGE_COLUMNS.map(([, field]) => record[field]);

export function createUsageStore(db: DataSource): UsageStore {
  const repo = db.getRepository(LlmUsageEntity);
  const range = (from: number, to: number) =>
    repo.createQueryBuilder('u').where('u.at >= :from AND u.at < :to', { from, to });
  return {
    async insertMany(records) {
      // Plain multi-row INSERTs, a turn of the event loop between them: on SQLite each statement
      // blocks the process, and TypeORM's insert builder spent about 60 µs per row, which stalled
      // every request in flight for milliseconds at each flush.
      for (let i = 0; i < records.length; i += INSERT_CHUNK_ROWS) {
        if (i > 0) await new Promise((resolve) => setImmediate(resolve));
        const rows = records.slice(i, i + INSERT_CHUNK_ROWS).map(usageRow);
        await insertRows(db, LlmUsageEntity, USAGE_COLUMN_NAMES, rows);
      }
    },
    async totals({ from, to }, groupBy) {
      const qb = range(from, to).select(groupBy ? `${GROUP_COLUMNS[groupBy]}` : "'all'", 'key');
      if (groupBy) qb.groupBy(GROUP_COLUMNS[groupBy]).orderBy(GROUP_COLUMNS[groupBy]);
      const rows = await selectTotals(qb).getRawMany<Record<string, unknown>>();
      return rows.map((row): UsageGroupRow => ({
        key: typeof row.key === 'string' || typeof row.key === 'number' ? String(row.key) : '',
        ...toTotals(row),
      }));
    },
    async series({ from, to }, bucketMs, byProvider = false) {
      const bucket = `(u.at / ${Math.floor(bucketMs)}) * ${Math.floor(bucketMs)}`;
      const qb = range(from, to).select(bucket, 'bucket').groupBy(bucket).orderBy(bucket);
      if (byProvider) qb.addSelect('u.provider', 'provider').addGroupBy('u.provider').addOrderBy('u.provider');
      const rows = await selectTotals(qb).getRawMany<Record<string, unknown>>();
      return rows.map((row) => ({
        bucket: Number(row.bucket),
        ...(byProvider ? { provider: String(row.provider as string) } : {}),
        ...toTotals(row),
      }));
    },
    async latencies({ from, to }, limit) {
      const rows = await range(from, to)
        .andWhere(`u.outcome = 'ok'`)
        .select('u.provider', 'provider')
        .addSelect('u.ttft_ms', 'ttft_ms')
        .addSelect('u.duration_ms', 'duration_ms')
        .orderBy('u.at', 'DESC')
        .limit(limit)
        .getRawMany<Record<string, unknown>>();
      return rows.map((row) => ({
        provider: String(row.provider as string),
        ttftMs: row.ttft_ms === null || row.ttft_ms === undefined ? null : Number(row.ttft_ms),
        durationMs: Number(row.duration_ms),
      }));
    },
    async subjectTotals(scope, subject, from) {
      const qb = repo
        .createQueryBuilder('u')
        .select('1', 'one')
        .where(`${subjectWhere(scope, subject)[0]} AND u.at >= :from`, { ...subjectWhere(scope, subject)[1], from });
      return toTotals(await selectTotals(qb).getRawOne<Record<string, unknown>>());
    },
  };
}
