// Shared pieces of the chaos suite: results, the seeded PRNG, the summary table, timing and child processes.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** One row of the summary table. */
export interface ScenarioResult {
  scenario: string;
  runs: number;
  passed: number;
  /** The key figure, e.g. `worst 3.2 s to listening`. */
  figure: string;
  /** One line per failed run: what went wrong. */
  failures: string[];
}

export interface ChaosContext {
  quick: boolean;
  seed: number;
  random: () => number;
  /** Progress lines (stderr, so the table stays clean on stdout). */
  log: (line: string) => void;
}

export type Scenario = (ctx: ChaosContext) => Promise<ScenarioResult[]>;

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const between = (random: () => number, min: number, max: number) => min + (max - min) * random();

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Polls `check` until it returns a truthy value; throws `what` after `timeoutMs`. */
export async function until<T>(
  check: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds(timeoutMs)} waiting for ${what}`);
    await sleep(25);
  }
}

/** Runs `body` once per run, collecting passes and failure lines into one result row. */
export async function tally(
  scenario: string,
  runs: number,
  body: (run: number) => Promise<void>,
  figure: () => string,
  log: (line: string) => void,
): Promise<ScenarioResult> {
  const result: ScenarioResult = { scenario, runs, passed: 0, figure: '', failures: [] };
  for (let run = 1; run <= runs; run++) {
    try {
      await body(run);
      result.passed++;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      result.failures.push(`run ${run}: ${message}`);
      log(`  ${scenario} run ${run} FAILED: ${message}`);
    }
  }
  result.figure = figure();
  return result;
}

export function renderTable(results: ScenarioResult[]): string {
  const header = ['scenario', 'runs', 'passed', 'failed', 'key figure'];
  const rows = results.map((r) => [r.scenario, String(r.runs), String(r.passed), String(r.runs - r.passed), r.figure]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** The orchestrator in a child process (the GSM crash-test fixture): resolves `ready` on GSM_READY. */
export function startServerChild(env: Record<string, string>): { child: ChildProcess; ready: Promise<void> } {
  // node itself (not the tsx wrapper), so SIGKILL hits the orchestrator process and nothing survives it.
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/test/gsm/fixtures/gsm-orchestrator-child.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env, TSX_TSCONFIG_PATH: path.join(ROOT, 'server/tsconfig.json') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (data: Buffer) => {
      if (data.toString().includes('GSM_READY')) resolve();
    });
    child.on('exit', (code, signal) => reject(new Error(`server child exited early (${code ?? signal})`)));
  });
  ready.catch(() => undefined);
  return { child, ready };
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => child.once('exit', () => resolve()));
}

export function killHard(child: ChildProcess): Promise<void> {
  const done = exited(child);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  return done;
}

/** SIGTERM (graceful close), SIGKILL if it is still there after `graceMs`. */
export async function stopGracefully(child: ChildProcess, graceMs = 8000): Promise<void> {
  const done = exited(child);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await done;
  clearTimeout(timer);
}
