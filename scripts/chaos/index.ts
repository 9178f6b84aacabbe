// `npm run chaos [-- name ...]`: the fault-injection suite (issue 19). Runs the scenarios (all, or the named ones)
// one after another, prints one summary table and exits 1 when any run failed.
//   CHAOS_SEED   PRNG seed for fault moments (printed; default: random)
//   CHAOS_CALLS  calls in the worker-kill scenario (default 10, 3 with CHAOS_QUICK)
//   CHAOS_QUICK  1: fewer runs per scenario
import { badInputs } from './bad-inputs.js';
import { createRandom, renderTable, type ChaosContext, type Scenario, type ScenarioResult } from './lib.js';
import { llmFaults } from './llm-faults.js';
import { serverKill } from './server-kill.js';
import { workerKill } from './worker-kill.js';

const SCENARIOS: Record<string, Scenario> = {
  'worker-kill': workerKill,
  'server-kill': serverKill,
  'llm-faults': llmFaults,
  'bad-inputs': badInputs,
};

function context(): ChaosContext {
  const seed = process.env.CHAOS_SEED ? Number(process.env.CHAOS_SEED) : Math.floor(Math.random() * 2 ** 31);
  if (!Number.isInteger(seed)) throw new Error(`CHAOS_SEED must be an integer, got "${process.env.CHAOS_SEED}"`);
  return {
    quick: process.env.CHAOS_QUICK === '1',
    seed,
    random: createRandom(seed),
    log: (line) => process.stderr.write(`${line}\n`),
  };
}

async function runScenario(name: string, scenario: Scenario, ctx: ChaosContext): Promise<ScenarioResult[]> {
  const started = performance.now();
  ctx.log(`##### chaos: ${name}`);
  try {
    return await scenario(ctx);
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    ctx.log(`  ${name} could not run: ${message}`);
    return [{ scenario: name, runs: 1, passed: 0, figure: 'setup failed', failures: [message] }];
  } finally {
    ctx.log(`  ${name} took ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
}

async function main(): Promise<number> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !(name in SCENARIOS));
  if (unknown.length > 0)
    throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}`);
  const ctx = context();
  ctx.log(`chaos seed ${ctx.seed} (CHAOS_SEED=${ctx.seed} repeats it)${ctx.quick ? ', quick' : ''}`);
  const started = performance.now();
  const results: ScenarioResult[] = [];
  for (const name of wanted.length > 0 ? wanted : Object.keys(SCENARIOS))
    results.push(...(await runScenario(name, SCENARIOS[name]!, ctx)));
  const failures = results.flatMap((r) => r.failures.map((f) => `${r.scenario} ${f}`));
  console.log(`\nchaos summary (seed ${ctx.seed}, ${((performance.now() - started) / 1000).toFixed(0)} s)`);
  console.log(renderTable(results));
  for (const failure of failures) console.log(`FAILED ${failure}`);
  return failures.length === 0 ? 0 : 1;
}

process.exitCode = await main();
// Leftover handles (a keep-alive socket, a child's pipe) must not keep a finished run alive.
setTimeout(() => process.exit(), 2000).unref();
