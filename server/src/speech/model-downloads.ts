import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { ModelDownloadView } from '@ai-secretary/protocol';
import { ConflictError, NotFoundError } from '../errors.js';
import { readManifest } from './models.js';

export interface ModelDownloadsOptions {
  repoRoot: string;
  modelsDir: string;
  manifestFile: string;
  /** Called when a download ends, so the caller can re-check the models. */
  onFinished?: (view: ModelDownloadView) => void;
}

interface Progress {
  file: string;
  receivedBytes: number;
  totalBytes?: number;
}

const isProgress = (value: unknown): value is Progress =>
  typeof value === 'object' && value !== null && typeof (value as Progress).receivedBytes === 'number';

/**
 * Model-set downloads started from the admin panel. Each runs `scripts/models.ts download <set>
 * --progress=json` (the same downloader as `npm run models`: resume, size and sha256 checks, pins) in a
 * child process and keeps its progress; one download per set at a time.
 */
export function createModelDownloads(options: ModelDownloadsOptions) {
  const jobs = new Map<string, ModelDownloadView>();
  const children = new Set<ChildProcess>();
  const script = path.join(options.repoRoot, 'scripts/models.ts');

  function follow(child: ChildProcess, view: ModelDownloadView): void {
    let buffer = '';
    let stderr = '';
    child.stdout?.on('data', (data: Buffer) => {
      buffer += data.toString('utf8');
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) onLine(view, line);
    });
    child.stderr?.on('data', (data: Buffer) => (stderr = (stderr + data.toString('utf8')).slice(-2000)));
    child.once('error', (error) => finish(child, view, error.message));
    child.once('close', (code) => finish(child, view, code === 0 ? null : lastLine(stderr) || `exit code ${code}`));
  }

  function onLine(view: ModelDownloadView, line: string): void {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return;
    }
    if (!isProgress(value)) return;
    Object.assign(view, { file: value.file, receivedBytes: value.receivedBytes, totalBytes: value.totalBytes ?? null });
  }

  function finish(child: ChildProcess, view: ModelDownloadView, error: string | null): void {
    if (!children.delete(child)) return;
    Object.assign(view, { state: error ? 'failed' : 'done', error, finishedAt: new Date().toISOString() });
    options.onFinished?.(view);
  }

  /** Starts downloading a set from the manifest; refuses an unknown set or one already downloading. */
  function start(name: string): ModelDownloadView {
    if (!readManifest(options.manifestFile).models.some((m) => m.name === name)) throw new NotFoundError('Model set');
    if (jobs.get(name)?.state === 'running') throw new ConflictError(`${name} is already downloading`);
    const view: ModelDownloadView = {
      ...{ name, state: 'running', file: null, receivedBytes: 0, totalBytes: null, error: null },
      ...{ startedAt: new Date().toISOString(), finishedAt: null },
    };
    jobs.set(name, view);
    const args = ['--import', 'tsx', script, 'download', name, '--progress=json'];
    args.push('--models-dir', options.modelsDir, '--manifest', options.manifestFile);
    const child = spawn(process.execPath, args, { cwd: options.repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    follow(child, view);
    return { ...view };
  }

  return {
    start,
    list: (): ModelDownloadView[] => [...jobs.values()].map((job) => ({ ...job })),
    /** Stops running downloads (their `.part` files stay and resume next time). */
    close(): void {
      for (const child of children) child.kill('SIGTERM');
    },
  };
}

const lastLine = (text: string) =>
  text
    .trim()
    .split('\n')
    .at(-1)
    ?.replace(/^models: /, '') ?? '';

export type ModelDownloads = ReturnType<typeof createModelDownloads>;
