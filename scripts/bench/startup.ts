/**
 * Start-up benchmark: cold start to /ready and idle RSS (after 5 s) of the orchestrator and of the local speech
 * worker it spawns, for the compiled production start (`npm start`: node on dist/, 8 MB semi-spaces) and the
 * source start (`npm run dev` without watch: tsx loader), alternating A/B so machine drift hits both alike.
 * Run: npm run bench -- startup   (or: tsx scripts/bench/startup.ts [--rounds 3])
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

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

function rssMbOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
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

async function waitReady(base: string, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error('server exited during start');
    const ok = await fetch(`${base}/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 10));
  }
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
    await waitReady(`http://127.0.0.1:${port}`, child);
    const readyMs = performance.now() - started;
    await new Promise((r) => setTimeout(r, 5000));
    const worker = workerPid(child.pid!);
    return { readyMs, serverMb: rssMbOf(child.pid!), workerMb: worker ? rssMbOf(worker) : Number.NaN };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

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
