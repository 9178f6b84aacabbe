/**
 * Memory and time of decoding a small file that holds long silence (issue 19, defect 2): the orchestrator's
 * peak RSS while `decodeToPcm` runs with the upload cap, against an uncapped decode of the same file.
 *   tsx --tsconfig server/tsconfig.json scripts/bench/decode-cap.ts [seconds-of-silence=7200]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeToPcm } from '../../server/src/speech/ffmpeg.js';

const seconds = Number(process.argv[2] ?? 7200);
const file = path.join(os.tmpdir(), `silence-${seconds}s.ogg`);
if (!fs.existsSync(file))
  execFileSync('ffmpeg', [
    ...['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'anullsrc=r=16000:cl=mono', '-t', String(seconds)],
    ...['-c:a', 'libopus', '-b:a', '6k', '-f', 'ogg', file],
  ]);
const input = fs.readFileSync(file);

async function measure(label: string, maxSeconds: number) {
  globalThis.gc?.();
  const before = process.memoryUsage.rss();
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  const started = performance.now();
  let outcome = 'decoded';
  try {
    const audio = await decodeToPcm(input, 16000, { maxSeconds, timeoutMs: 600_000 });
    outcome = `decoded ${(audio.pcm.length / 16000).toFixed(0)} s`;
  } catch (error) {
    outcome = error instanceof Error ? error.message : String(error);
  }
  clearInterval(timer);
  const ms = performance.now() - started;
  console.log(
    `${label.padEnd(22)} ${(input.length / 1e6).toFixed(1)} MB file, ${seconds} s inside: ` +
      `peak RSS +${((peak - before) / 1_048_576).toFixed(0)} MB, ${ms.toFixed(0)} ms — ${outcome}`,
  );
}

await measure('capped (1800 s)', 1800);
await measure('uncapped', seconds + 10);
await measure('capped (1800 s)', 1800);
