import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { once } from 'node:events';
import { createGunzip, createGzip } from 'node:zlib';
import type { Readable, Writable } from 'node:stream';

/**
 * A minimal ustar writer and reader (regular files only), so an archive is one `.tar.gz` that the
 * system `tar` also reads, without a native or unpinned dependency.
 */
export interface TarEntrySource {
  name: string;
  size: number;
  open: () => Readable;
}

const BLOCK = 512;

function header(name: string, size: number, mtimeS: number): Buffer {
  const buf = Buffer.alloc(BLOCK);
  const [prefix, base] = splitName(name);
  buf.write(base, 0, 100, 'utf8');
  buf.write('0000600\0', 100);
  buf.write('0000000\0', 108);
  buf.write('0000000\0', 116);
  buf.write(size.toString(8).padStart(11, '0') + '\0', 124);
  buf.write(mtimeS.toString(8).padStart(11, '0') + '\0', 136);
  buf.write('        ', 148);
  buf.write('0', 156);
  buf.write('ustar\u000000', 257);
  buf.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of buf) sum += byte;
  buf.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return buf;
}

function splitName(name: string): [string, string] {
  if (Buffer.byteLength(name) <= 100) return ['', name];
  const cut = name.lastIndexOf('/', 155);
  if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) throw new Error(`path too long for tar: ${name}`);
  return [name.slice(0, cut), name.slice(cut + 1)];
}

async function write(out: Writable, chunk: Buffer): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

/** Streams one entry, exactly `size` bytes; answers the SHA-256 of what was written. */
async function writeEntry(out: Writable, entry: TarEntrySource, mtimeS: number): Promise<string> {
  await write(out, header(entry.name, entry.size, mtimeS));
  const hash = createHash('sha256');
  let written = 0;
  for await (const chunk of entry.open() as AsyncIterable<Buffer>) {
    const piece = chunk.subarray(0, entry.size - written);
    hash.update(piece);
    written += piece.length;
    await write(out, piece);
  }
  if (written !== entry.size) throw new Error(`${entry.name} changed size while being archived`);
  const pad = (BLOCK - (entry.size % BLOCK)) % BLOCK;
  if (pad > 0) await write(out, Buffer.alloc(pad));
  return hash.digest('hex');
}

/**
 * Writes the entries in order into `file` (gzip); fills `hashes` with each entry's SHA-256 as soon as it is
 * written (so a last entry, the manifest, can list the ones before it).
 */
export async function writeTarGz(
  file: string,
  entries: AsyncIterable<TarEntrySource>,
  mtimeS: number,
  hashes = new Map<string, string>(),
): Promise<Map<string, string>> {
  const gzip = createGzip();
  const sink = fs.createWriteStream(file, { mode: 0o600 });
  const done = new Promise<void>((resolve, reject) => {
    sink.on('finish', resolve).on('error', reject);
    gzip.on('error', reject);
  });
  gzip.pipe(sink);
  for await (const entry of entries) hashes.set(entry.name, await writeEntry(gzip, entry, mtimeS));
  await write(gzip, Buffer.alloc(BLOCK * 2));
  gzip.end();
  await done;
  return hashes;
}

function parseHeader(buf: Buffer): { name: string; size: number; type: string } | null {
  if (buf.every((b) => b === 0)) return null;
  const text = (start: number, length: number) => buf.toString('utf8', start, start + length).replace(/\0.*$/s, '');
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : buf[i]!;
  if (sum !== parseInt(text(148, 8).trim(), 8)) throw new Error('tar header checksum mismatch');
  const prefix = text(345, 155);
  const base = text(0, 100);
  return { name: prefix ? `${prefix}/${base}` : base, size: parseInt(text(124, 12).trim(), 8), type: text(156, 1) };
}

export interface TarEntryTarget {
  /** Where the entry's bytes go (a file stream), or null to skip them. */
  open(name: string, size: number): Writable | null;
}

/** Reads a `.tar.gz`, streaming each regular file to `target`; answers each entry's SHA-256 by name. */
export async function readTarGz(file: string, target: TarEntryTarget): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  let pending: Buffer = Buffer.alloc(0);
  let current: {
    name: string;
    left: number;
    pad: number;
    hash: ReturnType<typeof createHash>;
    out: Writable | null;
  } | null = null;
  let ended = false;
  const input = fs.createReadStream(file).pipe(createGunzip());
  for await (const chunk of input as AsyncIterable<Buffer>) {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (!ended) {
      if (current !== null) {
        const piece = pending.subarray(0, current.left);
        current.hash.update(piece);
        if (current.out !== null && piece.length > 0) await write(current.out, piece);
        current.left -= piece.length;
        pending = pending.subarray(piece.length);
        if (current.left > 0) break;
        if (pending.length < current.pad) break;
        pending = pending.subarray(current.pad);
        hashes.set(current.name, current.hash.digest('hex'));
        if (current.out !== null) await closeStream(current.out);
        current = null;
      }
      if (pending.length < BLOCK) break;
      const parsed = parseHeader(pending.subarray(0, BLOCK));
      pending = pending.subarray(BLOCK);
      if (parsed === null) {
        ended = true;
        break;
      }
      if (parsed.type !== '0' && parsed.type !== '') throw new Error(`unexpected tar entry type for ${parsed.name}`);
      const pad = (BLOCK - (parsed.size % BLOCK)) % BLOCK;
      current = {
        name: parsed.name,
        left: parsed.size,
        pad,
        hash: createHash('sha256'),
        out: target.open(parsed.name, parsed.size),
      };
    }
  }
  if (!ended || current !== null) throw new Error('the archive ends early (truncated)');
  return hashes;
}

async function closeStream(out: Writable): Promise<void> {
  out.end();
  await once(out, 'close');
}
