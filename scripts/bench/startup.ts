/**
 * Start-up benchmark: cold start to /ready and idle RSS (after 5 s) of the orchestrator and of the local speech
 * worker it spawns, for the compiled production start (`npm start`: node on dist/, 8 MB semi-spaces) and the
 * source start (`npm run dev` without watch: tsx loader), alternating A/B so machine drift hits both alike.
 * Run: npm run bench -- startup   (or: tsx scripts/bench/startup.ts [--rounds 3])
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { median, procMemory, waitHealthy } from './harness.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' } } });
const rounds = Number(values.rounds);

const MODES = {
  compiled: ['--conditions=compiled', '--max-semi-space-size=8', 'server/dist/main.js'],
  source: ['--import', 'tsx', 'server/src/main.ts'],
} as const;
type Mode = keyof typeof MODES;

interface Sample {
  readyMs: number;
  serverMb: number;
  workerMb: number;
}

/** The speech worker: the direct child of the server that runs a speech main. */
function workerPid(serverPid: number): number | undefined {
  for (const entry of fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (ppid === serverPid && cmd.includes('speech')) return Number(entry);
    } catch {
      // the process went away while we looked
    }
  }
  return undefined;
}

async function runOne(mode: Mode): Promise<Sample> {
  const port = 18000 + Math.floor(Math.random() * 1000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-startup-'));
  const started = performance.now();
  const child = spawn(process.execPath, [...MODES[mode]], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      ADMIN_PASSWORD: 'bench-password-1',
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  try {
    await waitHealthy(`http://127.0.0.1:${port}/ready`, child, 10, Number.POSITIVE_INFINITY);
    const readyMs = performance.now() - started;
    await new Promise((r) => setTimeout(r, 5000));
    const worker = workerPid(child.pid!);
    return {
      readyMs,
      serverMb: procMemory(child.pid!).rss / 1_048_576,
      workerMb: worker ? procMemory(worker).rss / 1_048_576 : Number.NaN,
    };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(root, 'server', 'dist', 'main.js'))) throw new Error('run `npm run build` first');
  const samples: Record<Mode, Sample[]> = { compiled: [], source: [] };
  for (let round = 0; round < rounds; round++) {
    for (const mode of round % 2 === 0 ? (['compiled', 'source'] as const) : (['source', 'compiled'] as const)) {
      const s = await runOne(mode);
      samples[mode].push(s);
      console.log(
        `${mode.padEnd(8)} round ${round + 1}: ready ${s.readyMs.toFixed(0)} ms, orchestrator ${s.serverMb.toFixed(1)} MB, speech worker ${s.workerMb.toFixed(1)} MB`,
      );
    }
  }
  const summary = (mode: Mode, key: keyof Sample) => median(samples[mode].map((s) => s[key]));
  console.log('\nmedian           ready ms  orchestrator MB  worker MB');
  for (const mode of ['compiled', 'source'] as const)
    console.log(
      `${mode.padEnd(16)} ${summary(mode, 'readyMs').toFixed(0).padStart(8)}  ${summary(mode, 'serverMb').toFixed(1).padStart(15)}  ${summary(mode, 'workerMb').toFixed(1).padStart(9)}`,
    );
  for (const key of ['readyMs', 'serverMb', 'workerMb'] as const)
    console.log(`ratio compiled/source ${key}: ${(summary('compiled', key) / summary('source', key)).toFixed(2)}`);
}

await main();
