// npm run models -- list | download <name> | verify [name]  [--models-dir DIR] [--manifest FILE] [--progress=json]
// Model sets come from models/manifest.json; files go to SHERPA_MODELS_DIR (default models/data).
// The orchestrator runs `download <name> --progress=json` for the admin panel: one JSON progress line per
// update on stdout (at most every 100 ms, and at the end of each file).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { downloadModelSet, type Progress } from '../workers/src/speech/models/download.js';
import { loadManifest, verifyModelSet } from '../workers/src/speech/models/verify.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** `--name value` from the command line, or undefined. */
function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}
const jsonProgress = process.argv.includes('--progress=json');
const positional = process.argv
  .slice(2)
  .filter((arg, i, all) => !arg.startsWith('--') && !['--models-dir', '--manifest'].includes(all[i - 1] ?? ''));
const modelsDir = path.resolve(root, option('--models-dir') ?? process.env.SHERPA_MODELS_DIR ?? 'models/data');
const manifestFile = option('--manifest') ?? process.env.SPEECH_MODELS_MANIFEST ?? 'models/manifest.json';
const manifest = loadManifest(path.resolve(root, manifestFile));

const mb = (bytes: number) => (bytes / 1_048_576).toFixed(1);

function progressBar(p: Progress): void {
  const width = 30;
  const share = p.totalBytes ? p.receivedBytes / p.totalBytes : 0;
  const bar = '#'.repeat(Math.round(share * width)).padEnd(width, '.');
  const total = p.totalBytes ? `${mb(p.totalBytes)} MB` : '? MB';
  const line = `${p.file} [${bar}] ${mb(p.receivedBytes)}/${total}`;
  if (process.stderr.isTTY) process.stderr.write(`\r${line}`);
  else if (p.receivedBytes === p.totalBytes) process.stderr.write(`${line}\n`);
}

let lastJsonAt = 0;
function progressJson(p: Progress): void {
  const now = Date.now();
  if (now - lastJsonAt < 100 && p.receivedBytes !== p.totalBytes) return;
  lastJsonAt = now;
  process.stdout.write(`${JSON.stringify(p)}\n`);
}

function findSet(name: string | undefined) {
  const set = manifest.models.find((m) => m.name === name);
  if (!set) throw new Error(`unknown model set "${name ?? ''}"; run "npm run models -- list"`);
  return set;
}

async function list(): Promise<void> {
  for (const set of manifest.models) {
    const status = await verifyModelSet(modelsDir, set);
    console.log(
      `${status.state.padEnd(9)} ${set.name.padEnd(56)} ${set.kind.padEnd(24)} ${set.languages.join(',')}  (${set.licence})`,
    );
  }
  console.log(`\nmodels folder: ${modelsDir}`);
}

async function verify(name: string | undefined): Promise<number> {
  let bad = 0;
  let checked = 0;
  for (const set of name ? [findSet(name)] : manifest.models) {
    const status = await verifyModelSet(modelsDir, set);
    if (status.state === 'missing' && !name) continue;
    checked++;
    console.log(`${status.state.padEnd(9)} ${set.name}${status.problems.map((p) => `\n  - ${p}`).join('')}`);
    if (status.state !== 'installed') bad++;
  }
  if (checked === 0) console.log(`no model sets installed in ${modelsDir}`);
  return bad === 0 ? 0 : 1;
}

async function main(): Promise<number> {
  const [command, name] = positional;
  switch (command ?? '') {
    case 'list':
      await list();
      return 0;
    case 'download': {
      const status = await downloadModelSet(modelsDir, findSet(name), {
        onProgress: jsonProgress ? progressJson : progressBar,
      });
      if (process.stderr.isTTY && !jsonProgress) process.stderr.write('\n');
      if (!jsonProgress) console.log(`${status.state} ${status.name} in ${path.join(modelsDir, status.name)}`);
      return 0;
    }
    case 'verify':
      return verify(name);
    default:
      console.error('usage: npm run models -- list | download <name> | verify [name]');
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`models: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
