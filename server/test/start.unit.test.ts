import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');

function waitFor(output: () => string, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      const match = pattern.exec(output());
      if (match) {
        clearInterval(timer);
        resolve(match);
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(timer);
        reject(new Error(`timed out waiting for ${pattern}; output:\n${output()}`));
      }
    }, 50);
  });
}

describe('npm start on a fresh directory', { timeout: 180_000 }, () => {
  it('starts on SQLite with no configuration, prints the address and a one-time admin password, stops on SIGTERM', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'secretary-start-'));
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', LOG_PRETTY: 'false' };
    for (const name of ['DATA_DIR', 'DATABASE_URL', 'DATABASE_SCHEMA', 'ADMIN_PASSWORD', 'NODE_ENV', 'LOG_LEVEL'])
      delete env[name];
    const child = spawn(process.execPath, [path.join(root, 'scripts', 'start.mjs')], { cwd, env });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    try {
      const [, address] = await waitFor(() => output, /AI Secretary listening on (http:\/\/127\.0\.0\.1:\d+)/, 150_000);
      const [, password] = await waitFor(() => output, /one-time password[^\n]*\n\s+(\S+)/, 1000);
      expect(fs.existsSync(path.join(cwd, 'data', 'secretary.db'))).toBe(true);
      expect(fs.existsSync(path.join(cwd, 'data', 'secrets', 'jwt.key'))).toBe(true);
      const login = await fetch(`${address}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password }),
      });
      expect(login.status).toBe(200);
      // The password is printed once to the console, never into the JSON log lines.
      const logLines = output.split('\n').filter((l) => l.startsWith('{'));
      expect(logLines.length).toBeGreaterThan(0);
      expect(logLines.join('\n')).not.toContain(password!);
      const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
      expect(output).toMatch(/shutting down/);
    } finally {
      child.kill('SIGKILL');
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });
});
