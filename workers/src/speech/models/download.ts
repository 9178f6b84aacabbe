import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ModelSet } from '@ai-secretary/protocol';
import {
  expectedOf,
  modelDir,
  readPins,
  sha256File,
  verifyModelSet,
  writePins,
  type Pin,
  type Pins,
} from './verify.js';

export interface Progress {
  file: string;
  receivedBytes: number;
  totalBytes: number | undefined;
}

export interface DownloadOptions {
  expected?: { sizeBytes: number | null; sha256: string | null };
  onProgress?: (progress: Progress) => void;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

export class ModelDownloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelDownloadError';
  }
}

/** Total size from `Content-Range: bytes a-b/total` or `Content-Length` (+ the resumed offset). */
function totalOf(res: Response, offset: number): number | undefined {
  const range = /\/(\d+)$/.exec(res.headers.get('content-range') ?? '');
  if (range) return Number(range[1]);
  const length = res.headers.get('content-length');
  return length === null ? undefined : Number(length) + offset;
}

async function fetchInto(url: string, part: string, options: DownloadOptions): Promise<void> {
  const doFetch = options.fetch ?? fetch;
  const offset = fs.statSync(part, { throwIfNoEntry: false })?.size ?? 0;
  if (options.expected?.sizeBytes != null && offset === options.expected.sizeBytes) return; // already complete
  const res = await doFetch(url, {
    headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
    signal: options.signal,
    redirect: 'follow',
  });
  if (res.status === 416) return; // nothing left to fetch
  if (!res.ok || !res.body) throw new ModelDownloadError(`${url}: the server answered ${res.status}`);
  const resumed = res.status === 206;
  const out = fs.createWriteStream(part, { flags: resumed ? 'a' : 'w' });
  let received = resumed ? offset : 0;
  const totalBytes = totalOf(res, resumed ? offset : 0);
  try {
    for await (const data of res.body as unknown as AsyncIterable<Uint8Array>) {
      if (!out.write(data)) await new Promise<void>((r) => out.once('drain', () => r()));
      received += data.length;
      options.onProgress?.({ file: path.basename(part, '.part'), receivedBytes: received, totalBytes });
    }
  } finally {
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

/**
 * Downloads `url` to `dest` through `dest.part` (resuming a partial one with an HTTP Range request),
 * then checks size and sha256 before renaming it into place. A mismatch is refused: the file is kept
 * as `dest.corrupt` for inspection and never reaches `dest`. Returns the pin of what was stored.
 */
export async function downloadFile(url: string, dest: string, options: DownloadOptions = {}): Promise<Pin> {
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const part = `${dest}.part`;
  await fetchInto(url, part, options);
  const sizeBytes = fs.statSync(part).size;
  const sha256 = await sha256File(part);
  const expected = options.expected;
  const badSize = expected?.sizeBytes != null && expected.sizeBytes !== sizeBytes;
  const badHash = expected?.sha256 != null && expected.sha256 !== sha256;
  if (badSize || badHash) {
    fs.renameSync(part, `${dest}.corrupt`);
    const what = badSize
      ? `size ${sizeBytes} bytes, expected ${expected?.sizeBytes}`
      : `sha256 ${sha256}, expected ${expected?.sha256}`;
    throw new ModelDownloadError(`refusing ${path.basename(dest)}: ${what} (kept as ${dest}.corrupt)`);
  }
  fs.renameSync(part, dest);
  return { sizeBytes, sha256 };
}

const execFileAsync = promisify(execFile);

async function extract(archive: string, dir: string, stripComponents: number): Promise<void> {
  await execFileAsync('tar', ['-xf', archive, '-C', dir, `--strip-components=${stripComponents}`, '--no-same-owner']);
}

/** Downloads a model set (its archive or its files), extracts, verifies, and pins unpinned files. */
export async function downloadModelSet(
  modelsDir: string,
  set: ModelSet,
  options: Omit<DownloadOptions, 'expected'> = {},
) {
  const dir = modelDir(modelsDir, set);
  fs.mkdirSync(dir, { recursive: true });
  const pins: Pins = readPins(dir);
  if (set.archive) {
    const archive = path.join(modelsDir, '.downloads', path.basename(new URL(set.archive.url).pathname));
    await downloadFile(set.archive.url, archive, { ...options, expected: set.archive });
    await extract(archive, dir, set.archive.stripComponents);
  }
  for (const file of set.files) {
    const dest = path.join(dir, file.path);
    if (file.url)
      pins[file.path] = await downloadFile(file.url, dest, { ...options, expected: expectedOf(file, pins) ?? file });
    else if (!fs.existsSync(dest)) throw new ModelDownloadError(`${set.name}: ${file.path} is not in the archive`);
    else if (!expectedOf(file, pins))
      pins[file.path] = { sizeBytes: fs.statSync(dest).size, sha256: await sha256File(dest) };
  }
  writePins(dir, pins);
  const status = await verifyModelSet(modelsDir, set);
  if (status.state !== 'installed')
    throw new ModelDownloadError(`${set.name} is ${status.state}: ${status.problems.join('; ')}`);
  return status;
}
