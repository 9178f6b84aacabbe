import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * DATA_DIR holds the database, the key files and call recordings: only the server's own user may
 * read them. Directories are 0700 and files 0600 from the moment they are created; `tightenDataDir`
 * corrects what an older version (0755/0644) left behind.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` (and missing parents) 0700, and makes it 0700 if it already existed. */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  fs.chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Opens (creating 0600) a file in a private directory; a file that existed is made 0600 too. */
export function openPrivateFile(file: string, flags: 'w' | 'a'): number {
  ensurePrivateDir(path.dirname(file));
  const fd = fs.openSync(file, flags, PRIVATE_FILE_MODE);
  fs.fchmodSync(fd, PRIVATE_FILE_MODE);
  return fd;
}

/** Creates an empty 0600 file unless it exists (then only its mode is tightened). */
export function touchPrivateFile(file: string): void {
  fs.closeSync(openPrivateFile(file, 'a'));
}

/** Directories DATA_DIR must never be: tightening them would lock other users out of shared places. */
function isSharedPlace(dir: string): boolean {
  const resolved = path.resolve(dir);
  return [path.parse(resolved).root, os.homedir(), os.tmpdir()].some((p) => path.resolve(p) === resolved);
}

function tighten(file: string, isDirectory: boolean, refused: string[]): void {
  try {
    const mode = fs.lstatSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0) fs.chmodSync(file, isDirectory ? PRIVATE_DIR_MODE : mode & ~0o077);
  } catch {
    refused.push(file); // not ours (a volume owned by another user): reported, not fatal
  }
}

/**
 * Removes group and other permissions from DATA_DIR and everything under it (symbolic links are left
 * alone). Returns what could not be changed.
 */
export function tightenDataDir(dir: string): string[] {
  if (isSharedPlace(dir)) return [dir];
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const refused: string[] = [];
  tighten(dir, true, refused);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isSymbolicLink()) tighten(path.join(entry.parentPath, entry.name), entry.isDirectory(), refused);
  }
  return refused;
}
