/**
 * What the benchmarks share: ports, process memory, percentiles, the orchestrator started from source and a
 * small admin API client. Each bench keeps only what it measures.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Bytes as MiB, right-aligned for tables; `-` when unknown. */
export const mb = (bytes: number | null | undefined) =>
  bytes == null ? '   -  ' : (bytes / 1_048_576).toFixed(1).padStart(6);

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** VmRSS and VmHWM (peak) of a process, in bytes. */
export function procMemory(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** The p-th percentile (0–100, nearest rank) of unsorted values; NaN for none. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export const median = (values: number[]) => percentile(values, 50);

/** Polls `url` until it answers 2xx; throws if `child` exits first or after `attempts` tries. */
export async function waitHealthy(url: string, child: ChildProcess, intervalMs = 100, attempts = 1200): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}) during start`);
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(intervalMs);
  }
  throw new Error(`${url} did not become healthy`);
}

/** The orchestrator as `npm run dev` runs it (tsx), output appended to `logFile`; resolves once /health is 200. */
export async function startOrchestrator(env: Record<string, string>, logFile: string): Promise<ChildProcess> {
  const log = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: 'server/tsconfig.json', ...env },
    stdio: ['ignore', log, log],
  });
  await waitHealthy(`http://127.0.0.1:${env.PORT}/health`, child).catch((error: unknown) => {
    throw new Error(`orchestrator did not start (${(error as Error).message}); see ${logFile}`);
  });
  return child;
}

/** JSON calls to the admin API, signed in as `admin` after `login()`. */
export function adminApi(base: string, password: string) {
  let token = '';
  const call = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  async function login(): Promise<void> {
    const body = { username: 'admin', password };
    token = (await call<{ accessToken: string }>('POST', '/api/auth/login', body)).accessToken;
  }
  return { call, login };
}
export type AdminApi = ReturnType<typeof adminApi>;

interface BotStatusView {
  status: string;
  lastError: string | null;
}

/** Polls `read` until the bot has `status`; throws with its last status and error after `timeoutMs`. */
export async function untilBotStatus<V extends BotStatusView>(
  read: () => Promise<V>,
  status: V['status'],
  timeoutMs = 120_000,
): Promise<V> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await read();
    if (view.status === status) return view;
    if (Date.now() > deadline) throw new Error(`bot is ${view.status} (${view.lastError ?? '-'})`);
    await sleep(200);
  }
}
