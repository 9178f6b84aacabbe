import fs from 'node:fs';
import path from 'node:path';
import type { SecretBox } from '../secrets/secret-box.js';
import type { ContactRef } from './types.js';

/** Not in backups (see create-backup's SKIPPED): restoring an old archive must not bring back an old journal. */
export const JOURNAL_DIR = 'privacy';
const FILE = 'erasures.jsonl';
const CONTEXT = 'privacy.erasure';

/**
 * The contacts erased on this install, sealed (the ids are personal data), one JSON line each. A restore of an
 * older backup can erase them again when the admin asks (`restore --reapply-erasures`).
 */
export function createErasureJournal(dataDir: string, box: SecretBox) {
  const dir = path.join(dataDir, JOURNAL_DIR);
  const file = path.join(dir, FILE);
  return {
    append(contact: ContactRef, at: number): void {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      const line = JSON.stringify({ at, contact: box.encrypt(JSON.stringify(contact), CONTEXT) });
      fs.appendFileSync(file, `${line}\n`, { mode: 0o600 });
    },
    read(): Array<{ at: number; contact: ContactRef }> {
      if (!fs.existsSync(file)) return [];
      return fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => {
          const entry = JSON.parse(line) as { at: number; contact: string };
          return { at: entry.at, contact: JSON.parse(box.decrypt(entry.contact, CONTEXT)) as ContactRef };
        });
    },
  };
}
export type ErasureJournal = ReturnType<typeof createErasureJournal>;
