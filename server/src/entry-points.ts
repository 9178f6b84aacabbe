import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** True when this process runs the compiled JavaScript (`npm start`), false under tsx (`npm run dev`, tests). */
export const runningCompiled = import.meta.url.endsWith('.js');

/** The repository root (the same from `server/src/` and `server/dist/`). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Node arguments that run one of this repository's entry points the way this process runs: compiled
 * (`workers/dist/speech/main.js`, with the `compiled` condition so workspace packages resolve to their dist/)
 * or from source through tsx (`workers/src/speech/main.ts`). `sourcePath` is relative to the repository root.
 */
export function nodeEntryArgs(sourcePath: string): string[] {
  const source = path.join(repoRoot, sourcePath);
  if (!runningCompiled) return ['--import', 'tsx', source];
  const compiled = source.replace(`${path.sep}src${path.sep}`, `${path.sep}dist${path.sep}`).replace(/\.ts$/, '.js');
  return ['--conditions=compiled', compiled];
}
