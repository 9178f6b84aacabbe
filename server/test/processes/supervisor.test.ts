import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { ProcessInfo, ProcessLogLine } from '@ai-secretary/protocol';
import { entersState } from '../../src/core/state/enters-state.js';
import type { ChildSpec } from '../../src/processes/supervised-child.js';
import { bearer, createTestRuntime, type TestRuntime } from '../helpers/runtime.js';

// Real child processes on a shared machine: generous limits, no timing asserted.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/echo-child.ts');
const PHONE = '+15550100123';

/** Opens `/ws/workers` with `token`: the HTTP status of a refused upgrade, or the open socket. */
function dial(url: string, token: string): Promise<{ status: number; ws: WebSocket }> {
  const ws = new WebSocket(url, { headers: bearer(token) });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ status: 101, ws }));
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0, ws }));
    ws.once('error', reject);
  });
}

const closeCode = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));

describe('process supervisor (a child of kind echo)', () => {
  let rt: TestRuntime;
  let wsUrl: string;
  let admin: string;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'echo-child-'));
  const credentialFile = (id: string) => path.join(tmp, `${id}.credential`);
  const credentialOf = (id: string) => fs.readFileSync(credentialFile(id), 'utf8');

  const echo = (id: string, mode = 'normal'): ChildSpec => ({
    id,
    kind: 'echo',
    name: id,
    command: process.execPath,
    args: ['--import', 'tsx', FIXTURE],
    env: { ECHO_MODE: mode, ECHO_CREDENTIAL_FILE: credentialFile(id) },
    handshakeTimeoutMs: 60_000,
    memoryLimitBytes: 2048 * 1_048_576,
    backoffBaseMs: 100,
    backoffMaxMs: 5000,
  });
  const api = (method: 'GET' | 'POST', url: string, token = admin) =>
    rt.app.inject({ method, url, headers: bearer(token) });
  const listed = async (id: string) =>
    (await api('GET', '/api/processes')).json<{ processes: ProcessInfo[] }>().processes.find((p) => p.id === id);
  const logs = async (id: string) =>
    (await api('GET', `/api/processes/${id}/logs`)).json<{ lines: ProcessLogLine[] }>().lines;
  const notes = async (id: string) => (await logs(id)).filter((l) => l.stream === 'supervisor').map((l) => l.line);

  beforeAll(async () => {
    rt = await createTestRuntime({
      env: {
        PROCESS_HEARTBEAT_INTERVAL_MS: '200',
        PROCESS_CRASH_LOOP_CRASHES: '3',
        PROCESS_CRASH_LOOP_WINDOW_S: '600',
        PROCESS_STOP_GRACE_MS: '1000',
      },
    });
    const base = await rt.app.listen({ port: 0, host: '127.0.0.1' });
    wsUrl = `${base.replace('http', 'ws')}/ws/workers`;
    admin = await rt.adminToken();
  });
  afterAll(async () => {
    await rt?.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('starts, becomes ready, is SIGKILLed and comes back with backoff; the dead child’s credential is refused', async () => {
    const child = rt.processes.supervisor.add(echo('echo-a'));
    await entersState(child, 'ready', 60_000);
    expect(await listed('echo-a')).toMatchObject({ kind: 'echo', status: 'ready', pid: child.pid, restarts: 0 });
    const first = { pid: child.pid!, credential: credentialOf('echo-a') };
    expect((await dial(wsUrl, first.credential)).status).toBe(101); // live: let in (and left without a hello)

    const back = entersState(child, 'backoff', 30_000).then(() => entersState(child, 'ready', 60_000));
    process.kill(first.pid, 'SIGKILL');
    await back;
    expect(child.pid).not.toBe(first.pid);
    expect(child.restarts).toBe(1);
    expect(child.lastExit).toMatchObject({ signal: 'SIGKILL', reason: 'exited' });
    expect(await notes('echo-a')).toContain('restarting in 100 ms');
    expect(await listed('echo-a')).toMatchObject({ status: 'ready', restarts: 1, lastExit: { signal: 'SIGKILL' } });
    expect(credentialOf('echo-a')).not.toBe(first.credential);
    expect((await dial(wsUrl, first.credential)).status).toBe(401);
  });

  it('is stopped cleanly (SIGTERM): its credential is revoked and a link open with it is closed', async () => {
    const child = rt.processes.supervisor.get('echo-a')!;
    const credential = credentialOf('echo-a');
    const { ws } = await dial(wsUrl, credential);
    const closed = closeCode(ws);
    await child.stop();
    expect(await closed).toBe(4401);
    expect(child.status).toBe('stopped');
    expect(child.lastExit).toMatchObject({ signal: null, reason: 'stopped' });
    expect((await logs('echo-a')).map((l) => l.line)).toContain('stopping on SIGTERM');
    expect((await dial(wsUrl, credential)).status).toBe(401);
  });

  it('a child stuck on SIGTERM is SIGKILLed after the grace period', async () => {
    const child = rt.processes.supervisor.add(echo('echo-stubborn', 'stubborn'));
    await entersState(child, 'ready', 60_000);
    await child.stop();
    expect(child.lastExit).toMatchObject({ signal: 'SIGKILL', reason: 'stopped' });
    expect((await logs('echo-stubborn')).map((l) => l.line)).toContain('stuck on SIGTERM');
  });

  it('a child that stops heart-beating is killed and restarted', async () => {
    const child = rt.processes.supervisor.add(echo('echo-hang', 'hang'));
    await entersState(child, 'ready', 60_000);
    await entersState(child, 'backoff', 30_000);
    expect(child.lastExit).toMatchObject({ signal: 'SIGKILL', reason: 'missed heartbeats' });
    await rt.processes.supervisor.remove('echo-hang');
  });

  it('crash-loops, is given up on and reported as failed; an admin restart revives it', async () => {
    const child = rt.processes.supervisor.add(echo('echo-crash', 'crash'));
    await entersState(child, 'failed', 90_000);
    expect(child.restarts).toBe(2);
    expect(await listed('echo-crash')).toMatchObject({
      status: 'failed',
      pid: null,
      lastExit: { code: 1, reason: 'exited' },
      crashLoop: { recentCrashes: 3, limit: 3, windowS: 600, failed: true, failedAt: expect.any(String) },
    });
    const supervisorNotes = await notes('echo-crash');
    const delays = supervisorNotes.filter((n) => n.startsWith('restarting in'));
    expect(delays).toEqual(['restarting in 100 ms', 'restarting in 200 ms']); // exponential
    expect(supervisorNotes.at(-1)).toMatch(/^crash loop: 3 crashes within 600 s .*not restarting$/);

    const restarted = await api('POST', '/api/processes/echo-crash/restart');
    expect(restarted.statusCode).toBe(200);
    expect(child.status).not.toBe('failed');
    await entersState(child, 'failed', 90_000); // still broken: given up on again
    expect(child.restarts).toBe(5);
  });

  it('a child that reports a fatal error is failed with its reason at once, not restarted into it', async () => {
    const child = rt.processes.supervisor.add(echo('echo-fatal', 'fatal'));
    await entersState(child, 'failed', 90_000);
    expect(child.restarts).toBe(0);
    expect(await listed('echo-fatal')).toMatchObject({
      status: 'failed',
      failureReason: 'echo cannot go on: its token was revoked',
      lastExit: { code: 3 },
      crashLoop: { recentCrashes: 0, failed: true },
    });
  });

  it('serves each child’s output lines, with its credential and phone numbers redacted', async () => {
    const lines = await logs('echo-a');
    const text = lines.map((l) => l.line).join('\n');
    expect(lines).toContainEqual(
      expect.objectContaining({ stream: 'stdout', line: 'echo child echo-a starting in mode normal' }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        stream: 'stderr',
        line: expect.stringMatching(/with Authorization: Bearer \[redacted\]$/),
      }),
    );
    expect(text).toContain('"caller":"[redacted]"');
    expect(text).not.toContain(PHONE);
    expect(text).not.toMatch(/chc_[A-Za-z0-9_-]{8,}/);
    expect(text).not.toContain(credentialOf('echo-a'));
  });

  it('admin only, in the /api error envelope', async () => {
    const user = await rt.createUser('user');
    const forbidden = await api('GET', '/api/processes', user.token);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
    const missing = await api('GET', '/api/processes/nope/logs');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect((await api('POST', '/api/processes/nope/restart')).statusCode).toBe(404);
  });

  it('refuses a hello that does not match the credential, and the shared speech token for other kinds', async () => {
    const child = rt.processes.supervisor.add(echo('echo-b'));
    await entersState(child, 'ready', 60_000);
    const hello = (workerId: string) =>
      JSON.stringify({ type: 'hello', protocolVersion: 1, kind: 'echo', workerId, name: 'x', pid: 1 });
    const impostor = (await dial(wsUrl, credentialOf('echo-b'))).ws;
    const impostorClosed = closeCode(impostor);
    impostor.send(hello('echo-a'));
    expect(await impostorClosed).toBe(4403);
    const shared = (await dial(wsUrl, rt.speech.token)).ws;
    const sharedClosed = closeCode(shared);
    shared.send(hello('echo-b'));
    expect(await sharedClosed).toBe(4403);
    expect(child.status).toBe('ready');
    await rt.processes.supervisor.remove('echo-b');
  });
});
