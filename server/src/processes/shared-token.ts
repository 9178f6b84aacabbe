import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../core/private-files.js';

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
  ensurePrivateDir(path.dirname(file));
  fs.writeFileSync(file, token + '\n', { mode: PRIVATE_FILE_MODE, flag: 'wx' });
  return { token, generatedFile: file };
}

export function tokenMatches(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
