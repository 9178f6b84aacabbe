/**
 * GSM call benchmark over the PTY simulator (real serialport driver, real ttys):
 *   - downlink frame pacing over a call (p50/p99 gap between 20 ms frames, sender and receiver side)
 *   - CPU per active call (orchestrator process; includes the in-process simulator, so an upper bound)
 *   - RING → first audio of the greeting
 *
 *   node_modules/.bin/tsx --tsconfig server/tsconfig.json scripts/bench/gsm.ts [--seconds 60] [--rate 8000|16000]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { percentile } from './harness.js';
import { Registry } from 'prom-client';
import { createGsmChannel } from '../../server/src/channels/gsm/index.js';
import { PtySimulator } from '../../server/src/channels/gsm/simulator/pty-simulator.js';
import { loadConfig } from '../../server/src/config.js';
import { encodeWav } from '@ai-secretary/protocol';
import { openDatabase } from '../../server/src/db/data-source.js';
import { createStores } from '../../server/src/db/stores/index.js';
import { createLogger } from '../../server/src/logger.js';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '60' }, rate: { type: 'string', default: '8000' } },
});
const seconds = Number(values.seconds);
const rate = Number(values.rate) as 8000 | 16000;

function summary(gaps: number[]) {
  const sorted = [...gaps].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN };
}

const until = async (check: () => boolean, timeoutMs: number) => {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timeout');
    await new Promise((r) => setTimeout(r, 10));
  }
};

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gsm-bench-'));
  // A greeting as long as the call, so the downlink carries audio (not just silence) the whole time.
  const greetingPcm = Int16Array.from({ length: 16000 * (seconds + 2) }, (_, i) =>
    Math.round(6000 * Math.sin((2 * Math.PI * 440 * i) / 16000) * (0.6 + 0.4 * Math.sin(i / 4000))),
  );
  const greetingWav = path.join(dir, 'greeting.wav');
  fs.writeFileSync(greetingWav, encodeWav({ sampleRateHz: 16000, channels: 1, pcm: greetingPcm }));
  const sim = await PtySimulator.start(path.join(dir, 'tty'), { ringIntervalMs: 3000 });
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dir,
    GSM_ENABLED: 'true',
    GSM_AT_PORT: sim.atPath,
    GSM_AUDIO_PORT: sim.audioPath,
    GSM_PCM_RATE_HZ: String(rate),
    GSM_MOCK_FALLBACK: 'false',
    GSM_ANSWER_AFTER_RINGS: '1',
    GSM_GREETING_WAV: greetingWav,
    GSM_MAX_CALL_S: String(seconds + 30),
  });
  const logger = createLogger({ logLevel: 'silent', logPretty: false });
  const db = await openDatabase({ url: undefined, schema: undefined, dataDir: dir });
  const sendTimes: number[] = [];
  const channel = await createGsmChannel({
    config,
    logger,
    stores: createStores(db),
    metrics: new Registry(),
    onFrame: (atMs) => sendTimes.push(atMs),
  });
  await until(() => channel.modem.state === 'ready', 15_000);

  sim.audio.setCallerAudio(greetingPcm.subarray(0, 16000 * 5), 16000);
  const cpuIdle = process.cpuUsage();
  const idleStart = performance.now();
  await new Promise((r) => setTimeout(r, 3000));
  const idleCpuMs =
    (process.cpuUsage(cpuIdle).user + process.cpuUsage(cpuIdle).system) /
    1000 /
    ((performance.now() - idleStart) / 1000);

  sim.emulator.incomingCall('+15550001234');
  await until(() => channel.calls.current?.status === 'active', 15_000);
  const cpuStart = process.cpuUsage();
  const callStart = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const cpu = process.cpuUsage(cpuStart);
  const callWallS = (performance.now() - callStart) / 1000;
  const callId = channel.calls.current?.id ?? '';
  sim.emulator.remoteHangup();
  await until(() => channel.calls.current === null, 10_000);
  const record = await createStores(db).gsmCalls.get(callId);

  const senderGaps = sendTimes
    .slice(1)
    .map((t, i) => t - (sendTimes[i] as number))
    .slice(5);
  const arrivals = sim.audio.downlinkArrivals;
  const receiverGaps = arrivals
    .slice(1)
    .map((a, i) => a.atMs - (arrivals[i] as { atMs: number }).atMs)
    .slice(5);
  const s = summary(senderGaps);
  const r = summary(receiverGaps);
  const callCpuMs = (cpu.user + cpu.system) / 1000 / callWallS;
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  console.log(
    `GSM bench: ${seconds} s call at ${rate} Hz over PTY (socat), ${os.cpus().length} CPUs (load average ${load}), node ${process.version}`,
  );
  console.log(
    `downlink frame gap, sender (paced writer): n=${s.n} p50=${s.p50.toFixed(2)} ms p99=${s.p99.toFixed(2)} ms max=${s.max.toFixed(2)} ms (target p99 ≤ 25 ms: ${s.p99 <= 25 ? 'PASS' : 'FAIL'})`,
  );
  console.log(
    `downlink read gap, simulator side (PTY): n=${r.n} p50=${r.p50.toFixed(2)} ms p99=${r.p99.toFixed(2)} ms max=${r.max.toFixed(2)} ms; bytes received ${sim.audio.downlinkSamples * 2} for ${(sim.audio.downlinkSamples / rate).toFixed(1)} s of audio`,
  );
  console.log(
    `CPU: idle ready modem ${(idleCpuMs / 10).toFixed(2)} % of one core; during the call ${(callCpuMs / 10).toFixed(2)} % of one core (incl. simulator); per call ≈ ${((callCpuMs - idleCpuMs) / 10).toFixed(2)} %`,
  );
  console.log(
    `RING → first greeting audio frame: ${record?.metrics.ringToFirstAudioMs ?? NaN} ms (answer after 1 ring)`,
  );
  await channel.close();
  await db.destroy();
  await sim.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

await main();
