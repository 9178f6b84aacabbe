import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The token workers present on `/ws/workers`: SPEECH_WORKER_TOKEN, or DATA_DIR/secrets/worker.token
 * (generated on first start, like the other secrets).
 */
export function loadWorkerToken(
  dataDir: string,
  fromEnv: string | undefined,
): { token: string; generatedFile?: string } {
  if (fromEnv !== undefined) return { token: fromEnv };
  const file = path.join(dataDir, 'secrets', 'worker.token');
  if (fs.existsSync(file)) return { token: fs.readFileSync(file, 'utf8').trim() };
  const token = randomBytes(32).toString('base64url');
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, token + '\n', { mode: 0o600, flag: 'wx' });
  return { token, generatedFile: file };
}

export function tokenMatches(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
