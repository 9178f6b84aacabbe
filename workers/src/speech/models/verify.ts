import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Compile } from 'typebox/compile';
import { ModelManifest, type ModelFile, type ModelSet, type ModelStatus } from '@ai-secretary/protocol';

const checkManifest = Compile(ModelManifest);

export const PIN_FILE = '.pinned.json';

export interface Pin {
  sizeBytes: number;
  sha256: string;
}
export type Pins = Record<string, Pin>;

export function parseManifest(json: string, source = 'manifest'): ModelManifest {
  const value: unknown = JSON.parse(json);
  if (!checkManifest.Check(value)) {
    const first = [...checkManifest.Errors(value)][0];
    throw new Error(`${source} is invalid at ${first?.instancePath || '/'}: ${first?.message ?? 'unknown'}`);
  }
  return value;
}

export function loadManifest(file: string): ModelManifest {
  return parseManifest(fs.readFileSync(file, 'utf8'), file);
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const data of fs.createReadStream(file)) hash.update(data as Buffer);
  return hash.digest('hex');
}

/** The folder a model set lives in: `<modelsDir>/<name>/`. */
export const modelDir = (modelsDir: string, set: ModelSet) => path.join(modelsDir, set.name);

export function readPins(dir: string): Pins {
  const file = path.join(dir, PIN_FILE);
  if (!fs.existsSync(file)) return {};
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { files?: Pins }).files ?? {};
}

export function writePins(dir: string, pins: Pins): void {
  fs.writeFileSync(path.join(dir, PIN_FILE), JSON.stringify({ files: pins }, null, 2) + '\n');
}

/** What a file must match: the manifest's values, else the pin recorded at download. */
export function expectedOf(file: ModelFile, pins: Pins): Pin | undefined {
  const pin = pins[file.path];
  const sizeBytes = file.sizeBytes ?? pin?.sizeBytes;
  const sha256 = file.sha256 ?? pin?.sha256;
  return sizeBytes === undefined || sha256 === undefined ? undefined : { sizeBytes, sha256 };
}

type FileCheck = 'ok' | 'missing' | 'unpinned' | 'corrupt';

async function checkFile(dir: string, file: ModelFile, pins: Pins): Promise<{ check: FileCheck; problem?: string }> {
  const full = path.join(dir, file.path);
  const stat = fs.statSync(full, { throwIfNoEntry: false });
  if (!stat?.isFile()) return { check: 'missing', problem: `${file.path}: missing` };
  const expected = expectedOf(file, pins);
  if (!expected)
    return {
      check: 'unpinned',
      problem: `${file.path}: no size/sha256 in the manifest or pin file to check it against`,
    };
  if (stat.size !== expected.sizeBytes) {
    return { check: 'corrupt', problem: `${file.path}: size ${stat.size} bytes, expected ${expected.sizeBytes}` };
  }
  const actual = await sha256File(full);
  if (actual !== expected.sha256)
    return { check: 'corrupt', problem: `${file.path}: sha256 ${actual} does not match ${expected.sha256}` };
  return { check: 'ok' };
}

/** installed / missing / corrupt / unpinned for one set, with the problems found. */
export async function verifyModelSet(modelsDir: string, set: ModelSet): Promise<ModelStatus> {
  const dir = modelDir(modelsDir, set);
  const pins = readPins(dir);
  const checks = await Promise.all(set.files.map((f) => checkFile(dir, f, pins)));
  const problems = checks.flatMap((c) => (c.problem ? [c.problem] : []));
  const has = (check: FileCheck) => checks.some((c) => c.check === check);
  const state = has('corrupt')
    ? 'corrupt'
    : checks.every((c) => c.check === 'missing')
      ? 'missing'
      : has('missing')
        ? 'corrupt'
        : has('unpinned')
          ? 'unpinned'
          : 'installed';
  return { name: set.name, kind: set.kind, languages: set.languages, state, problems };
}
