import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeWav } from '@ai-secretary/protocol';
import { PtySimulator } from '../../src/channels/gsm/simulator/pty-simulator.js';
import { createTestDatabase, createTestRuntime, type TestDatabase, type TestRuntime } from '../helpers/runtime.js';
import { until } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const CHILD = path.join(ROOT, 'server/test/gsm/fixtures/gsm-orchestrator-child.ts');

function startChild(env: Record<string, string>): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    cwd: ROOT,
    env: { ...process.env, ...env, TSX_TSCONFIG_PATH: path.join(ROOT, 'server/tsconfig.json') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (data: Buffer) => {
      if (data.toString().includes('GSM_READY')) resolve();
    });
    child.on('exit', (code, signal) => reject(new Error(`child exited early (${code ?? signal})`)));
  });
  ready.catch(() => undefined);
  return { child, ready };
}

function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  return exited;
}

/** A 300 Hz tone: the caller "talking" for `seconds`. */
function tone(rateHz: number, seconds: number): Int16Array {
  const pcm = new Int16Array(rateHz * seconds);
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(6000 * Math.sin((2 * Math.PI * 300 * i) / rateHz));
  return pcm;
}

describe('a server killed mid-call leaves no ghost call (issue 19, defect 5)', () => {
  let sim: PtySimulator | null = null;
  let database: TestDatabase | null = null;
  let child: ChildProcess | null = null;
  let rt: TestRuntime | null = null;
  afterEach(async () => {
    if (child) await killHard(child);
    await rt?.close();
    await sim?.close();
    await database?.drop();
    sim = database = child = rt = null;
  });

  it('closes the call as interrupted on the next start, with the greeting in its transcript and playable recordings', async () => {
    sim = await PtySimulator.start(fs.mkdtempSync(path.join(os.tmpdir(), 'sim7600-call-crash-')));
    database = createTestDatabase();
    const env = {
      ...database.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      ADMIN_PASSWORD: 'admin-password-1',
      SPEECH_LOCAL_WORKER: 'false', // the greeting handler answers: no speech worker to wait for
      GSM_ENABLED: 'true',
      GSM_AT_PORT: sim.atPath,
      GSM_AUDIO_PORT: sim.audioPath,
      GSM_MOCK_FALLBACK: 'false',
      GSM_PCM_RATE_HZ: '8000',
      GSM_RECONNECT_DELAY_MS: '200',
    };
    const run = startChild(env);
    child = run.child;
    await run.ready;

    const s = sim;
    s.audio.setCallerAudio(tone(8000, 10), 8000);
    s.emulator.incomingCall('+15550001234');
    // The greeting (1.2 s) has played and the caller has talked for about 3 s: then the server dies.
    await until(() => s.audio.downlinkSamples >= 8000 * 1.5, 20_000, 'greeting played');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await killHard(child);
    s.emulator.remoteHangup();

    rt = await createTestRuntime({ database, keepDatabase: true, env });
    const { items } = await rt.stores.gsmCalls.list({ limit: 10, offset: 0 });
    expect(items).toHaveLength(1);
    const call = items[0]!;
    expect(call).toMatchObject({ status: 'ended', endReason: 'interrupted', number: '+15550001234' });
    expect(call.endedAt).toEqual(expect.any(Number));
    expect(call.transcript[0]).toMatchObject({ role: 'secretary', text: '[greeting]' });
    expect(call.recordingCaller).not.toBeNull();
    expect(call.recordingSecretary).not.toBeNull();
    for (const file of [call.recordingCaller!, call.recordingSecretary!]) {
      const bytes = fs.readFileSync(path.join(rt.config.dataDir, file));
      const wav = decodeWav(bytes);
      expect(wav.sampleRateHz).toBe(8000);
      expect(bytes.readUInt32LE(40)).toBe(bytes.length - 44); // the header matches the audio held
      expect(wav.pcm.length / 8000).toBeGreaterThanOrEqual(1); // at least a second of audio survived
    }
    // Nothing is left open: the status API shows no active call.
    expect(rt.gsm?.calls.current).toBeNull();
  });

  it('ends conversations a crash left without an outcome as interrupted, keeping their turns', async () => {
    database = createTestDatabase();
    rt = await createTestRuntime({ database, keepDatabase: true });
    await rt.stores.conversations.createConversation({
      id: '33333333-3333-4333-8333-333333333333',
      channel: 'gsm',
      caller: '+15550001234',
      startedAt: Date.UTC(2026, 0, 1),
      endedAt: null,
      outcome: null,
      turnCount: 0,
      degradations: [],
    });
    await rt.close();
    rt = await createTestRuntime({ database, keepDatabase: true });
    const record = await rt.stores.conversations.findById('33333333-3333-4333-8333-333333333333');
    expect(record).toMatchObject({ outcome: 'interrupted', turnCount: 0 });
    expect(record?.endedAt).toEqual(expect.any(Number));
  });
});
