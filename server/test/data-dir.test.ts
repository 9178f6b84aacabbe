import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WavRecorder } from '../src/core/gsm/wav-recorder.js';
import { createTestDatabase, createTestRuntime, testDb } from './helpers/runtime.js';

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

/** Every directory and file under `dir` (itself included) with its permission bits. */
function modes(dir: string): Record<string, number> {
  const out: Record<string, number> = { '.': modeOf(dir) };
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, file)] = modeOf(file);
  }
  return out;
}

const privateModes = (all: Record<string, number>) =>
  Object.fromEntries(Object.entries(all).map(([name, mode]) => [name, mode & 0o077]));

describe('DATA_DIR is readable by the server’s user only (issue 19, item 10)', () => {
  it('creates DATA_DIR 0700 and the database and key files 0600', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'secretary-perm-'));
    const database = createTestDatabase(path.join(parent, 'data')); // created by the server
    const rt = await createTestRuntime({ database });
    try {
      const all = modes(rt.config.dataDir);
      expect(all['.']).toBe(0o700);
      expect(all.secrets).toBe(0o700);
      expect(all[path.join('secrets', 'jwt.key')]).toBe(0o600);
      expect(all[path.join('secrets', 'encryption.key')]).toBe(0o600);
      if (testDb() === 'sqlite') expect(all['secretary.db']).toBe(0o600);
      expect(privateModes(all), JSON.stringify(all)).toEqual(
        Object.fromEntries(Object.keys(all).map((name) => [name, 0])),
      );
    } finally {
      await rt.dispose();
      fs.rmSync(parent, { recursive: true, force: true });
    }
  });

  it('tightens what an older version left world-readable (0755/0644) on start', async () => {
    const database = createTestDatabase();
    const first = await createTestRuntime({ database, keepDatabase: true });
    const dir = first.config.dataDir;
    await first.dispose();
    fs.mkdirSync(path.join(dir, 'gsm', 'recordings'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'gsm', 'recordings', 'old-caller.wav'), 'RIFF');
    for (const name of Object.keys(modes(dir))) {
      const file = path.join(dir, name);
      fs.chmodSync(file, fs.statSync(file).isDirectory() ? 0o755 : 0o644);
    }
    const second = await createTestRuntime({ database });
    try {
      const all = modes(dir);
      expect(all['.']).toBe(0o700);
      expect(all[path.join('gsm', 'recordings')]).toBe(0o700);
      expect(all[path.join('gsm', 'recordings', 'old-caller.wav')]).toBe(0o600);
      expect(all[path.join('secrets', 'jwt.key')]).toBe(0o600);
      expect(privateModes(all)).toEqual(Object.fromEntries(Object.keys(all).map((name) => [name, 0])));
    } finally {
      await second.dispose();
    }
  });

  it('writes call recordings 0600 in 0700 folders', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secretary-rec-'));
    try {
      const file = path.join(dir, 'gsm', 'recordings', 'call-caller.wav');
      const recorder = new WavRecorder(file, 8000);
      recorder.write(new Int16Array(160));
      recorder.close();
      expect(modeOf(file)).toBe(0o600);
      expect(modeOf(path.dirname(file))).toBe(0o700);
      expect(modeOf(path.join(dir, 'gsm'))).toBe(0o700);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
