import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Compile } from 'typebox/compile';
import { ModelManifest, type ModelSet, type ModelStatus } from '@ai-secretary/protocol';

// The same checks as workers/src/speech/models/verify.ts, for the admin's view of what is installed.

const checkManifest = Compile(ModelManifest);

export function readManifest(file: string): ModelManifest {
  const value: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!checkManifest.Check(value)) throw new Error(`${file} does not match the manifest schema`);
  return value;
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const data of fs.createReadStream(file)) hash.update(data as Buffer);
  return hash.digest('hex');
}

function readPins(dir: string): Record<string, { sizeBytes: number; sha256: string }> {
  const file = path.join(dir, '.pinned.json');
  if (!fs.existsSync(file)) return {};
  return (
    (JSON.parse(fs.readFileSync(file, 'utf8')) as { files?: Record<string, { sizeBytes: number; sha256: string }> })
      .files ?? {}
  );
}

/** installed / missing / corrupt / unpinned per set; `deep` also checks hashes (slow for big models). */
export async function modelStatus(modelsDir: string, set: ModelSet, deep: boolean): Promise<ModelStatus> {
  const dir = path.join(modelsDir, set.name);
  const pins = readPins(dir);
  const problems: string[] = [];
  let missing = 0;
  let unpinned = 0;
  for (const file of set.files) {
    const full = path.join(dir, file.path);
    const stat = fs.statSync(full, { throwIfNoEntry: false });
    const size = file.sizeBytes ?? pins[file.path]?.sizeBytes;
    const hash = file.sha256 ?? pins[file.path]?.sha256;
    if (!stat?.isFile()) {
      missing++;
      problems.push(`${file.path}: missing`);
    } else if (size === undefined || hash === undefined) {
      unpinned++;
      problems.push(`${file.path}: not pinned`);
    } else if (stat.size !== size) problems.push(`${file.path}: size ${stat.size}, expected ${size}`);
    else if (deep && (await sha256(full)) !== hash) problems.push(`${file.path}: sha256 mismatch`);
  }
  const corrupt = problems.length - missing - unpinned > 0 || (missing > 0 && missing < set.files.length);
  const state = corrupt ? 'corrupt' : missing > 0 ? 'missing' : unpinned > 0 ? 'unpinned' : 'installed';
  return { name: set.name, kind: set.kind, languages: set.languages, state, problems };
}
