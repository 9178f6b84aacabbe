import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/** Spawns a CLI engine that is killed when `signal` aborts; rejects `exited` on a non-zero exit. */
export function spawnEngine(
  command: string,
  args: string[],
  signal: AbortSignal,
): { child: ChildProcessWithoutNullStreams; exited: Promise<void>; kill: () => void } {
  // Its own process group, so that a shell wrapper and what it started die together.
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  const kill = () => {
    try {
      if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const stderr: Buffer[] = [];
  child.stderr.on('data', (d: Buffer) => stderr.push(d));
  child.stdin.on('error', () => undefined); // EPIPE when the engine exits early; `exited` reports it
  const onAbort = kill;
  signal.addEventListener('abort', onAbort, { once: true });
  const exited = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, sig) => {
      signal.removeEventListener('abort', onAbort);
      if (code === 0 || signal.aborted) resolve();
      else reject(new Error(`${command} exited with ${code ?? sig}: ${Buffer.concat(stderr).toString().slice(-500)}`));
    });
  });
  exited.catch(() => undefined); // callers await it; an early failure must not count as unhandled meanwhile
  return { child, exited, kill };
}

/** Splits a byte stream into lines. */
export async function* lines(stream: AsyncIterable<Buffer>): AsyncIterable<string> {
  let rest = '';
  for await (const data of stream) {
    const parts = (rest + data.toString('utf8')).split('\n');
    rest = parts.pop() ?? '';
    yield* parts;
  }
  if (rest !== '') yield rest;
}

/** Converts a little-endian byte buffer (even length) to samples. */
export function bytesToPcm(bytes: Buffer): Int16Array {
  const pcm = new Int16Array(bytes.length >> 1);
  Buffer.from(pcm.buffer).set(bytes.subarray(0, pcm.length * 2));
  return pcm;
}

export function pcmToBytes(pcm: Int16Array): Buffer {
  return Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
}

/** Waits for every promise and throws the first failure (so none is left unhandled). */
export async function settleAll(...promises: Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}
