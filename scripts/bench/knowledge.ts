/**
 * Knowledge-base retrieval: hit@1 / hit@3 on held-out paraphrased questions (ru and en apart) about the test
 * fixture's bakery, and search latency p50/p99 with 1,000 passages. SQLite by default; `--postgres` uses
 * TEST_DATABASE_URL (or postgres://postgres@127.0.0.1:5432/secretary_test) in a fresh schema.
 *
 *   node_modules/.bin/tsx --tsconfig server/tsconfig.json scripts/bench/knowledge.ts [--postgres]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { createKnowledgeService } from '../../server/src/core/knowledge/knowledge-service.js';
import { openDatabase } from '../../server/src/db/data-source.js';
import { createKnowledgeStore } from '../../server/src/db/stores/knowledge-store.js';
import { DOCUMENTS } from '../../server/test/knowledge/fixtures.js';
import { percentile } from './harness.js';

const RU = 'Пекарня «Колосок» › ';
const EN = 'Golden Crust Bakery › ';
const HELD_OUT: Array<[string, string]> = [
  ['Почём у вас батон?', `${RU}Цены`],
  ['Сколько стоит килограмм наполеона?', `${RU}Цены`],
  ['Какая цена на хлеб?', `${RU}Цены`],
  ['Сколько стоит торт на заказ?', `${RU}Цены`],
  ['Вы работаете в воскресенье?', `${RU}Часы работы`],
  ['До скольки вы открыты в пятницу?', `${RU}Часы работы`],
  ['Какой у вас график работы?', `${RU}Часы работы`],
  ['Когда открывается пекарня в понедельник?', `${RU}Часы работы`],
  ['Вы доставляете заказы?', `${RU}Доставка`],
  ['Сколько ждать курьера?', `${RU}Доставка`],
  ['Бесплатная доставка бывает?', `${RU}Доставка`],
  ['Доставите торт по городу?', `${RU}Доставка`],
  ['Хлеб был несвежий, что делать?', `${RU}Возврат`],
  ['Можно вернуть деньги по чеку?', `${RU}Возврат`],
  ['Вы меняете товар?', `${RU}Возврат`],
  ['Как оформить возврат?', `${RU}Возврат`],
  ['Где вы находитесь?', `${RU}Адрес`],
  ['Какой адрес у пекарни?', `${RU}Адрес`],
  ['Как до вас добраться от метро?', `${RU}Адрес`],
  ['На какой улице пекарня?', `${RU}Адрес`],
  ['How much are croissants?', `${EN}Prices`],
  ['What does a birthday cake cost?', `${EN}Prices`],
  ['Price of your sourdough bread?', `${EN}Prices`],
  ['How expensive are custom cakes?', `${EN}Prices`],
  ['Are you open on Sunday?', `${EN}Opening hours`],
  ['When do you close on Friday?', `${EN}Opening hours`],
  ['What time do you open?', `${EN}Opening hours`],
  ['Your hours on Saturday?', `${EN}Opening hours`],
  ['Can you deliver a cake?', `${EN}Delivery`],
  ['How long does delivery take?', `${EN}Delivery`],
  ['Do I pay for delivering an order?', `${EN}Delivery`],
  ['Is there a courier service?', `${EN}Delivery`],
  ['Can I get my money back?', `${EN}Returns`],
  ['I want to return a purchase', `${EN}Returns`],
  ['Do you exchange items?', `${EN}Returns`],
  ['What is your refund policy?', `${EN}Returns`],
  ['Where is the bakery located?', `${EN}Address`],
  ['What street are you on?', `${EN}Address`],
  ['Are you near the railway station?', `${EN}Address`],
  ['Where can I find you?', `${EN}Address`],
];
const TARGET_PASSAGES = 1000;
const SYLLABLES = 'ka lo mi ten ras vel dor pin sul ba re no ti mar fen'.split(' ');

/** Filler passages of made-up words, so the index holds ~1,000 passages without changing the answers. */
function filler(seed: number): string {
  const word = (n: number) => SYLLABLES[n % 15]! + SYLLABLES[(n * 7) % 15]! + SYLLABLES[(n * 11) % 15]!;
  const section = (s: number) =>
    `## ${word(seed * 31 + s)}\n\n` + Array.from({ length: 40 }, (_, i) => word(seed * 997 + s * 41 + i)).join(' ');
  return Array.from({ length: 10 }, (_, s) => section(s)).join('\n\n');
}

async function database(postgres: boolean) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-knowledge-'));
  const url = postgres
    ? (process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/secretary_test')
    : undefined;
  const schema = postgres ? `bench_${randomBytes(4).toString('hex')}` : undefined;
  const db = await openDatabase({ url, schema, dataDir });
  const drop = async () => {
    await db.destroy();
    if (url && schema) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  return { db, drop };
}

async function main() {
  const postgres = process.argv.includes('--postgres');
  const { db, drop } = await database(postgres);
  const knowledge = createKnowledgeService({ store: createKnowledgeStore(db), clock: Date.now, newId: randomUUID });
  for (const doc of DOCUMENTS) await knowledge.create({ ...doc, source: 'text' });
  let passages = DOCUMENTS.length * 6;
  for (let seed = 1; passages < TARGET_PASSAGES; seed++) {
    passages += (
      await knowledge.create({ title: `filler ${seed}`, text: filler(seed), format: 'markdown', source: 'text' })
    ).passageCount;
  }
  const hits = { ru: [0, 0, 0], en: [0, 0, 0] };
  const latencies: number[] = [];
  for (let round = 0; round < 10; round++) {
    for (const [question, heading] of HELD_OUT) {
      const started = performance.now();
      const found = await knowledge.search(question, 3);
      latencies.push(performance.now() - started);
      if (round > 0) continue;
      const lang = /[а-я]/i.test(question) ? hits.ru : hits.en;
      lang[0]! += 1;
      if (found[0]?.heading === heading) lang[1]! += 1;
      if (found.some((h) => h.heading === heading)) lang[2]! += 1;
    }
  }
  latencies.sort((a, b) => a - b);
  console.log(`engine ${knowledge.engine}, ${passages} passages, threshold ${knowledge.minScore}`);
  for (const [lang, [n, at1, at3]] of Object.entries(hits))
    console.log(
      `${lang}: ${n} questions, hit@1 ${((100 * at1!) / n!).toFixed(0)}%, hit@3 ${((100 * at3!) / n!).toFixed(0)}%`,
    );
  console.log(
    `search latency over ${latencies.length} searches: p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms`,
  );
  await drop();
}

await main();
