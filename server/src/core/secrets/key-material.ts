import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../private-files.js';
import { AppError } from '../../errors.js';
import type { MetaStore } from '../meta/types.js';

export interface KeyMaterial {
  jwtSecret: Buffer;
  encryptionKey: Buffer;
  /** Which secrets were generated during this start (first run). */
  generated: string[];
}

interface KeySpec {
  name: 'jwt' | 'encryption';
  envVar: string;
  file: string;
  fromEnv: string | undefined;
}

function fingerprint(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

function parseEncryptionKey(raw: string): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (key.length !== 32) {
    throw new AppError('CONFIG_INVALID', 'ENCRYPTION_KEY must be 32 bytes as 64 hex characters or base64');
  }
  return key;
}

function readKeyFile(file: string): Buffer | undefined {
  if (!fs.existsSync(file)) return undefined;
  return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
}

function writeKeyFile(file: string, key: Buffer): void {
  ensurePrivateDir(path.dirname(file));
  fs.writeFileSync(file, key.toString('base64') + '\n', { mode: PRIVATE_FILE_MODE, flag: 'wx' });
}

/**
 * Loads the JWT secret and the at-rest encryption key from the environment or from DATA_DIR/secrets,
 * generating them on the very first start only. A fingerprint of each is kept in the database, so a
 * key file that disappears later is an error, never a silent regeneration (which would log everybody
 * out, or worse, make every stored secret unreadable).
 */
export async function loadKeyMaterial(
  dataDir: string,
  env: { jwtSecret: string | undefined; encryptionKey: string | undefined },
  meta: MetaStore,
): Promise<KeyMaterial> {
  const dir = path.join(dataDir, 'secrets');
  const generated: string[] = [];
  const specs: KeySpec[] = [
    { name: 'jwt', envVar: 'JWT_SECRET', file: path.join(dir, 'jwt.key'), fromEnv: env.jwtSecret },
    {
      name: 'encryption',
      envVar: 'ENCRYPTION_KEY',
      file: path.join(dir, 'encryption.key'),
      fromEnv: env.encryptionKey,
    },
  ];
  const keys: Buffer[] = [];
  for (const spec of specs) {
    keys.push(await loadOne(spec, meta, generated));
  }
  return { jwtSecret: keys[0]!, encryptionKey: keys[1]!, generated };
}

async function loadOne(spec: KeySpec, meta: MetaStore, generated: string[]): Promise<Buffer> {
  const metaKey = `${spec.name}_key_fingerprint`;
  const known = await meta.get(metaKey);
  let key = spec.fromEnv !== undefined ? fromEnv(spec) : readKeyFile(spec.file);
  if (key === undefined) {
    if (known !== null) {
      throw new AppError(
        'SECRET_MISSING',
        `${spec.file} is missing but this database was set up with it; restore the file or set ${spec.envVar}`,
      );
    }
    key = randomBytes(32);
    writeKeyFile(spec.file, key);
    generated.push(spec.file);
  }
  await checkFingerprint(spec, key, known, meta, metaKey);
  return key;
}

function fromEnv(spec: KeySpec): Buffer {
  const raw = spec.fromEnv!;
  if (spec.name === 'encryption') return parseEncryptionKey(raw);
  if (raw.length < 32) throw new AppError('CONFIG_INVALID', 'JWT_SECRET must be at least 32 characters');
  return Buffer.from(raw, 'utf8');
}

async function checkFingerprint(spec: KeySpec, key: Buffer, known: string | null, meta: MetaStore, metaKey: string) {
  const actual = fingerprint(key);
  if (known === actual) return;
  if (known !== null && spec.name === 'encryption') {
    throw new AppError(
      'SECRET_MISMATCH',
      `${spec.envVar} does not match the key this database's secrets were encrypted with`,
    );
  }
  // First start, or a deliberate JWT secret rotation (which only invalidates existing tokens).
  await meta.set(metaKey, actual);
}
