import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PtySimulator } from '../../src/channels/gsm/simulator/pty-simulator.js';
import { encodeDeliver, planSms } from '../../src/core/gsm/pdu.js';
import { createTestDatabase, createTestRuntime, type TestDatabase } from '../helpers/runtime.js';
import { CYRILLIC_LONG, until } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const CHILD = path.join(ROOT, 'server/test/gsm/fixtures/gsm-orchestrator-child.ts');

function startChild(env: Record<string, string>): { child: ChildProcess; ready: Promise<void> } {
  // node itself (not the tsx wrapper), so SIGKILL hits the orchestrator process and nothing survives it.
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

describe('SMS survives an orchestrator crash between +CMTI and the database commit', () => {
  let sim: PtySimulator | null = null;
  let database: TestDatabase | null = null;
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const child of children) await killHard(child);
    await sim?.close();
    await database?.drop();
  });

  it('stores a multipart SMS exactly once after kill -9 at the worst moments', async () => {
    sim = await PtySimulator.start(fs.mkdtempSync(path.join(os.tmpdir(), 'sim7600-crash-')));
    database = createTestDatabase();
    const env = {
      ...database.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      ADMIN_PASSWORD: 'admin-password-1',
      GSM_ENABLED: 'true',
      GSM_AT_PORT: sim.atPath,
      GSM_AUDIO_PORT: sim.audioPath,
      GSM_MOCK_FALLBACK: 'false',
      GSM_RECONNECT_DELAY_MS: '200',
    };
    const emulator = sim.emulator;
    const plan = planSms(CYRILLIC_LONG);
    const pdus = plan.parts.map((part, i) =>
      encodeDeliver({
        from: '+79161234567',
        text: part,
        encoding: plan.encoding,
        concat: { reference: 9, total: plan.parts.length, sequence: i + 1 },
        sentAtMs: 0,
      }),
    );

    /** SIGKILLs the current child the moment the simulator sees a matching command (before answering it). */
    const killOnCommand = (pattern: RegExp) =>
      new Promise<void>((resolve) => {
        const onCommand = (line: string) => {
          if (!pattern.test(line)) return;
          emulator.off('command', onCommand);
          void killHard(run.child).then(resolve);
        };
        emulator.on('command', onCommand);
      });

    // 1. Crash after +CMTI, while the orchestrator reads the message (nothing committed yet).
    let run = startChild(env);
    children.push(run.child);
    await run.ready;
    await until(() => emulator.commands.includes('AT+CMGL=4'), 10_000, 'first SIM sweep');
    emulator.scenario.stallOn = /^AT\+CMGR=/;
    const killedAtRead = killOnCommand(/^AT\+CMGR=/);
    emulator.deliverSms(pdus[1] as string);
    await killedAtRead;
    for (const pdu of [pdus[2], pdus[0]]) emulator.storeSms(pdu as string);
    expect(emulator.storage.size).toBe(3);

    // 2. Restart; crash again after the first part is committed but before AT+CMGD deletes it.
    emulator.scenario.stallOn = /^AT\+CMGD=/;
    const killedAtDelete = killOnCommand(/^AT\+CMGD=/);
    run = startChild(env);
    children.push(run.child);
    await killedAtDelete;
    expect(emulator.storage.size).toBe(3);

    // 3. Restart normally: every part is read again, the committed one is recognised, all are deleted.
    emulator.scenario.stallOn = null;
    run = startChild(env);
    children.push(run.child);
    await run.ready;
    await until(() => emulator.storage.size === 0, 30_000, 'SIM emptied');
    await killHard(run.child);

    const rt = await createTestRuntime({ database, keepDatabase: true });
    try {
      const { items } = await rt.stores.gsmSms.listMessages({ limit: 10, offset: 0 });
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ text: CYRILLIC_LONG, parts: 3, number: '+79161234567' });
      expect(await rt.stores.gsmSms.pendingParts()).toEqual([]);
    } finally {
      await rt.close();
    }
  }, 300_000);
});
