// Added latency of POST /v1/chat/completions (streaming) versus calling the upstream directly.
//
//   node_modules/.bin/tsx --tsconfig server/tsconfig.json scripts/bench/llm-overhead.ts
//   BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" … profiles the orchestrator
//   FAKE_TOKEN_DELAY_MS=20 …  the upstream paces its tokens like a real model (default: one burst)
//   BENCH_CONCURRENCY=1,50 BENCH_REQUESTS=3000 …  other levels / sample sizes
//
// Three processes: the fake upstream, the orchestrator (server/src/main.ts on SQLite in a temp dir),
// and this client. The same client and keep-alive agent measure both paths, alternating, at each
// concurrency. TTFT = time until the first SSE event carrying non-empty content.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { freePort, percentile, ROOT, waitHealthy } from './harness.js';

const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '1,50,200').split(',').map(Number);
const REQUESTS: Record<number, number> = process.env.BENCH_REQUESTS
  ? Object.fromEntries(CONCURRENCY.map((c) => [c, Number(process.env.BENCH_REQUESTS)]))
  : { 1: 2000, 50: 2000, 200: 2000 };
const PASSWORD = 'bench-admin-password';

interface Sample {
  ttftMs: number;
  totalMs: number;
}

function start(args: string[], env: Record<string, string>, nodeArgs: string[] = []): ChildProcess {
  // Plain node with tsx as a loader, so node flags (e.g. --cpu-prof) apply to the measured process itself.
  return spawn(process.execPath, [...nodeArgs, '--import', 'tsx', ...args], {
    cwd: ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: 'server/tsconfig.json', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

async function firstLine(child: ChildProcess): Promise<string> {
  const lines = readline.createInterface({ input: child.stdout! });
  for await (const line of lines) return line.trim();
  throw new Error('child exited before printing');
}

async function apiKey(base: string): Promise<string> {
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const created = await fetch(`${base}/api/api-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({ name: 'bench' }),
  });
  return ((await created.json()) as { key: string }).key;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1000 });

function request(url: string, headers: Record<string, string>, body: string | null): Promise<Sample> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const method = body === null ? 'GET' : 'POST';
    const req = http.request(url, { method, agent, headers }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
      let ttftMs = -1;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (ttftMs < 0 && /"content":"[^"]/.test(chunk)) ttftMs = performance.now() - started;
      });
      res.on('end', () => resolve({ ttftMs, totalMs: performance.now() - started }));
    });
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}

async function run(concurrency: number, total: number, send: () => Promise<Sample>): Promise<Sample[]> {
  const samples: Sample[] = [];
  let issued = 0;
  const worker = async () => {
    while (issued < total) {
      issued += 1;
      samples.push(await send());
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return samples;
}

/** The orchestrator's own CPU seconds (prom-client default metric): load-independent cost per request. */
async function serverCpuS(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return Number(/^process_cpu_seconds_total (\S+)$/m.exec(text)?.[1] ?? NaN);
}

function summary(samples: Sample[]) {
  const ttft = samples.map((s) => s.ttftMs);
  const total = samples.map((s) => s.totalMs);
  return {
    ttft50: percentile(ttft, 50),
    ttft99: percentile(ttft, 99),
    total50: percentile(total, 50),
    total99: percentile(total, 99),
  };
}

const f = (ms: number) => ms.toFixed(2).padStart(8);

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'secretary-bench-'));
  const fake = start(['scripts/bench/fake-upstream.ts'], {});
  const upstream = await firstLine(fake);
  const port = await freePort();
  const server = start(
    ['server/src/main.ts'],
    {
      PORT: String(port),
      DATA_DIR: dataDir,
      ADMIN_PASSWORD: PASSWORD,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      SERVE_DOCS: 'false',
      LLM_BASE_URL: upstream,
      LLM_MODEL: 'fake-model',
      LLM_MAX_CONCURRENCY: '1000',
      DATABASE_URL: '',
    },
    process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [],
  );
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(`${base}/metrics`, server);
    const key = await apiKey(base);
    const body = JSON.stringify({
      model: 'fake-model',
      stream: true,
      messages: [{ role: 'user', content: 'Hello there' }],
    });
    const json = { 'content-type': 'application/json' };
    const direct = () => request(`${upstream}/chat/completions`, json, body);
    const viaV1 = () => request(`${base}/v1/chat/completions`, { ...json, authorization: `Bearer ${key}` }, body);
    await run(20, 300, direct);
    await run(20, 300, viaV1);
    // What the foundation's API-key check and Fastify cost on their own (no LLM work at all).
    const modelsCpu = await serverCpuS(base);
    const models = summary(
      await run(1, 200, () => request(`${base}/v1/models`, { authorization: `Bearer ${key}` }, null)),
    );
    const modelsCpuMs = ((await serverCpuS(base)) - modelsCpu) * 5;
    console.log(
      `baseline GET /v1/models (API-key auth + Fastify only), concurrency 1: p50 ${models.total50.toFixed(2)} ms, p99 ${models.total99.toFixed(2)} ms, orchestrator CPU ${modelsCpuMs.toFixed(2)} ms/request`,
    );
    const delay = Number(process.env.FAKE_TOKEN_DELAY_MS ?? 0);
    console.log(
      `upstream: fake, ${process.env.FAKE_TOKENS ?? 16} tokens per answer, ${delay > 0 ? `${delay} ms before each token (LLM-paced)` : 'no delay (the whole answer in one burst)'}; node ${process.version}, ${os.cpus().length} CPUs`,
    );
    console.log('conc  path      n  ttft p50  ttft p99  total p50 total p99   (ms)');
    for (const c of CONCURRENCY) {
      const n = REQUESTS[c] ?? 1000;
      // Unmeasured warm-up at this concurrency: opens its connections on both paths, so the figures
      // are the steady state rather than the first burst's TCP handshakes.
      await run(c, c * 4, direct);
      await run(c, c * 4, viaV1);
      const cpuBefore = await serverCpuS(base);
      const halves = [
        await run(c, n / 2, direct),
        await run(c, n / 2, viaV1),
        await run(c, n / 2, direct),
        await run(c, n / 2, viaV1),
      ];
      const cpuMsPerRequest = (((await serverCpuS(base)) - cpuBefore) * 1000) / n;
      const d = summary([...halves[0]!, ...halves[2]!]);
      const v = summary([...halves[1]!, ...halves[3]!]);
      console.log(
        `${String(c).padStart(4)}  direct ${String(n).padStart(5)} ${f(d.ttft50)}  ${f(d.ttft99)}  ${f(d.total50)}  ${f(d.total99)}`,
      );
      console.log(
        `${String(c).padStart(4)}  /v1    ${String(n).padStart(5)} ${f(v.ttft50)}  ${f(v.ttft99)}  ${f(v.total50)}  ${f(v.total99)}`,
      );
      console.log(
        `${String(c).padStart(4)}  added        ${f(v.ttft50 - d.ttft50)}  ${f(v.ttft99 - d.ttft99)}  ${f(v.total50 - d.total50)}  ${f(v.total99 - d.total99)}`,
      );
      console.log(`${String(c).padStart(4)}  orchestrator CPU per /v1 request: ${cpuMsPerRequest.toFixed(2)} ms`);
    }
  } finally {
    server.kill('SIGTERM');
    fake.kill('SIGTERM');
    agent.destroy();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
