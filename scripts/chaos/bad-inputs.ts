// Scenario 4: a burst of oversized and bomb inputs against /v1 and /api (issue 19, defects 1, 2, 10) while normal
// requests are measured. Pass: every bad request gets a 4xx in its surface's error envelope, /health and a normal
// chat completion keep answering, and the process's memory stays bounded (peak RSS reported).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { MAX_STT_PROMPT_CHARS } from '@ai-secretary/protocol';
import { entersState } from '../../server/src/core/state/enters-state.js';
import { startLlmHarness, type LlmHarness } from '../../server/test/llm/helpers.js';
import { seconds, sleep, tally, type ChaosContext, type ScenarioResult } from './lib.js';

const SILENCE_S = 7200; // four times SPEECH_MAX_UPLOAD_S (1800 s by default)
const RSS_BOUND_MB = 1024;

interface BadRequest {
  name: string;
  surface: 'v1' | 'api';
  send: (h: LlmHarness) => Promise<{ status: number; body: string }>;
}

/** A small Ogg/Opus file holding hours of silence (the decode bomb of defect 2); cached in the temp dir. */
function silenceOgg(): Buffer {
  const file = path.join(os.tmpdir(), `silence-${SILENCE_S}s.ogg`);
  if (!fs.existsSync(file))
    execFileSync('ffmpeg', [
      ...['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'anullsrc=r=16000:cl=mono', '-t', String(SILENCE_S)],
      ...['-c:a', 'libopus', '-b:a', '6k', '-f', 'ogg', file],
    ]);
  return fs.readFileSync(file);
}

async function call(h: LlmHarness, url: string, init: RequestInit & { auth?: 'key' | 'admin' | 'none' }) {
  const token = init.auth === 'admin' ? h.admin : init.auth === 'none' ? null : h.apiKey;
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  const res = await fetch(`${h.baseURL.replace(/\/v1$/, '')}${url}`, { ...init, headers });
  return { status: res.status, body: await res.text() };
}

const json = (h: LlmHarness, url: string, body: string, auth: 'key' | 'admin' | 'none' = 'key') =>
  call(h, url, { method: 'POST', body, auth, headers: { 'content-type': 'application/json' } });

function transcription(h: LlmHarness, file: Buffer, fields: Record<string, string> = {}) {
  const form = new FormData();
  form.set('model', 'whisper-1');
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set('file', new Blob([new Uint8Array(file)], { type: 'audio/ogg' }), 'bomb.ogg');
  return call(h, '/v1/audio/transcriptions', { method: 'POST', body: form });
}

const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const deepObject = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
const chat = (content: string) => JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content }] });

/** Writes raw bytes on a socket and reads the status line and body (for what fetch will not send). */
function raw(h: LlmHarness, request: string): Promise<{ status: number; body: string }> {
  const { port } = new URL(h.baseURL);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(request));
    let data = '';
    socket.on('data', (part) => (data += part.toString()));
    // The server may reset the connection after answering (unread request bytes): what arrived still counts.
    socket.on('error', (error) => (data === '' ? reject(error) : undefined));
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
      resolve({ status, body: data.slice(data.indexOf('\r\n\r\n') + 4) });
    });
  });
}

function badRequests(ogg: Buffer): BadRequest[] {
  const boundary = 'chaosboundary';
  const multipart = (h: LlmHarness, body: string, type = `multipart/form-data; boundary=${boundary}`) =>
    call(h, '/v1/audio/transcriptions', { method: 'POST', body, headers: { 'content-type': type } });
  return [
    { name: 'silence bomb ogg (2 h)', surface: 'v1', send: (h) => transcription(h, ogg) },
    {
      name: 'over-long STT prompt',
      surface: 'v1',
      send: (h) => transcription(h, ogg.subarray(0, 4096), { prompt: 'x'.repeat(MAX_STT_PROMPT_CHARS + 1) }),
    },
    {
      name: 'malformed multipart',
      surface: 'v1',
      send: (h) => multipart(h, `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a`),
    },
    { name: 'multipart without boundary', surface: 'v1', send: (h) => multipart(h, 'abc', 'multipart/form-data') },
    {
      name: 'oversized chat prompt (3 MB)',
      surface: 'v1',
      send: (h) => json(h, '/v1/chat/completions', chat('x'.repeat(3e6))),
    },
    {
      name: 'huge JSON body (8 MB)',
      surface: 'v1',
      send: (h) => json(h, '/v1/chat/completions', `[${'1,'.repeat(4e6)}1]`),
    },
    { name: 'deep JSON array /v1', surface: 'v1', send: (h) => json(h, '/v1/chat/completions', deep(200_000)) },
    { name: 'deep JSON object /v1', surface: 'v1', send: (h) => json(h, '/v1/chat/completions', deepObject(50_000)) },
    { name: 'over-long TTS input', surface: 'v1', send: (h) => speech(h) },
    {
      name: 'huge JSON body /api',
      surface: 'api',
      send: (h) => json(h, '/api/users', `"${'x'.repeat(5e6)}"`, 'admin'),
    },
    { name: 'deep JSON /api', surface: 'api', send: (h) => json(h, '/api/users', deepObject(50_000), 'admin') },
    {
      name: 'huge login body (public)',
      surface: 'api',
      send: (h) => json(h, '/api/auth/login', `"${'x'.repeat(5e6)}"`, 'none'),
    },
    {
      name: 'URL of 20 KB /v1',
      surface: 'v1',
      send: (h) => raw(h, `GET /v1/models?q=${'x'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
    },
    {
      name: 'headers of 20 KB /api',
      surface: 'api',
      send: (h) =>
        raw(h, `GET /api/auth/me HTTP/1.1\r\nHost: x\r\nX-Big: ${'x'.repeat(20_000)}\r\nConnection: close\r\n\r\n`),
    },
  ];
}

function speech(h: LlmHarness) {
  const body = JSON.stringify({ model: 'tts-1', voice: 'alloy', input: 'word '.repeat(5000) });
  return json(h, '/v1/audio/speech', body);
}

/** The error envelope of each surface: OpenAI's for /v1, `{ error: { code, message } }` for /api. */
function envelopeProblem(surface: BadRequest['surface'], body: string): string | null {
  let parsed: { error?: Record<string, unknown> };
  try {
    parsed = JSON.parse(body) as { error?: Record<string, unknown> };
  } catch {
    return `not JSON: ${body.slice(0, 80)}`;
  }
  const keys = Object.keys(parsed.error ?? {})
    .sort()
    .join(',');
  const wanted = surface === 'v1' ? 'code,message,param,type' : 'code,message';
  return Object.keys(parsed).join(',') === 'error' && keys === wanted
    ? null
    : `envelope ${JSON.stringify(parsed).slice(0, 120)}`;
}

async function sendBad(h: LlmHarness, bad: BadRequest, ctx: ChaosContext, slowest: { ms: number; name: string }) {
  const started = performance.now();
  const { status, body } = await bad.send(h);
  const ms = performance.now() - started;
  if (ms > slowest.ms) Object.assign(slowest, { ms, name: bad.name });
  if (status < 400 || status >= 500) throw new Error(`${bad.name}: HTTP ${status} ${body.slice(0, 120)}`);
  const problem = envelopeProblem(bad.surface, body);
  if (problem) throw new Error(`${bad.name}: ${status} ${problem}`);
  ctx.log(`  ${bad.name}: ${status} in ${seconds(ms)}`);
}

/** Normal traffic while the burst runs: /health every 250 ms and a chat completion every second. */
function measureNormal(h: LlmHarness) {
  const figures = { healthWorstMs: 0, chatWorstMs: 0, probes: 0, failures: [] as string[], peakRssMb: 0 };
  let running = true;
  const timed = async (what: string, run: () => Promise<boolean>) => {
    const started = performance.now();
    const ok = await run().catch(() => false);
    figures.probes++;
    if (!ok) figures.failures.push(`${what} failed`);
    return performance.now() - started;
  };
  const loop = async (everyMs: number, body: () => Promise<void>) => {
    while (running) await Promise.all([body(), sleep(everyMs)]);
  };
  const health = loop(250, async () => {
    const ms = await timed('/health', async () => (await fetch(`${h.baseURL.replace(/\/v1$/, '')}/health`)).ok);
    figures.healthWorstMs = Math.max(figures.healthWorstMs, ms);
  });
  const chatting = loop(1000, async () => {
    const ms = await timed('chat', async () => {
      const reply = await h.client.chat.completions.create({
        model: 'fake-model',
        messages: [{ role: 'user', content: 'hi' }],
      });
      return reply.choices[0]?.message.content === 'Hello from the fake model.';
    });
    figures.chatWorstMs = Math.max(figures.chatWorstMs, ms);
  });
  const rss = setInterval(
    () => (figures.peakRssMb = Math.max(figures.peakRssMb, process.memoryUsage.rss() / 1_048_576)),
    20,
  );
  const stop = async () => {
    running = false;
    await Promise.all([health, chatting]);
    clearInterval(rss);
    return figures;
  };
  return stop;
}

export async function badInputs(ctx: ChaosContext): Promise<ScenarioResult[]> {
  const ogg = silenceOgg();
  const h = await startLlmHarness({ env: { SPEECH_LOCAL_WORKER: 'true', SPEECH_WORKER_READY_TIMEOUT_MS: '120000' } });
  try {
    await entersState(h.rt.speech.localWorker!, 'ready', 150_000);
    const rounds = ctx.quick ? 1 : 3;
    const list = Array.from({ length: rounds }, () => badRequests(ogg)).flat();
    const baselineMb = process.memoryUsage.rss() / 1_048_576;
    const stop = measureNormal(h);
    const slowest = { ms: 0, name: '' };
    // Four at a time: a burst, not a queue.
    const results = await Promise.all(
      [0, 1, 2, 3].map((lane) =>
        tally(
          `lane ${lane}`,
          Math.ceil((list.length - lane) / 4),
          (run) => sendBad(h, list[lane + (run - 1) * 4]!, ctx, slowest),
          () => '',
          ctx.log,
        ),
      ),
    );
    const normal = await stop();
    const bad: ScenarioResult = {
      scenario: 'oversized/bomb inputs burst',
      runs: list.length,
      passed: results.reduce((n, r) => n + r.passed, 0),
      figure: `slowest refusal ${seconds(slowest.ms)} (${slowest.name}); peak RSS ${normal.peakRssMb.toFixed(0)} MB (baseline ${baselineMb.toFixed(0)} MB)`,
      failures: results.flatMap((r) => r.failures),
    };
    const growthMb = normal.peakRssMb - baselineMb;
    if (growthMb > RSS_BOUND_MB) bad.failures.push(`RSS grew ${growthMb.toFixed(0)} MB (bound ${RSS_BOUND_MB} MB)`);
    const healthy: ScenarioResult = {
      scenario: 'normal traffic during the burst',
      runs: normal.probes,
      passed: normal.probes - normal.failures.length,
      figure: `/health worst ${seconds(normal.healthWorstMs)}, chat worst ${seconds(normal.chatWorstMs)}`,
      failures: normal.failures,
    };
    return [bad, healthy];
  } finally {
    await h.close();
  }
}
