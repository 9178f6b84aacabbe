// Speech benchmark: STT/TTS real-time factor through the worker process vs the same engine in-process,
// TTS time to first chunk, and STT throughput at 1, 2 and 4 concurrent jobs.
// Run: npm run bench:speech   (needs festival + sox for the fixtures, pocketsphinx, espeak-ng)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AudioChunk } from '@ai-secretary/protocol';
import { loadConfig } from '../../server/src/config.js';
import { createLogger } from '../../server/src/logger.js';
import { startRuntime } from '../../server/src/runtime.js';
import { entersState } from '../../server/src/core/state/enters-state.js';
import { FIXTURES_DIR, chunked, readWav } from '../../server/test/helpers/speech.js';
import { createEspeakTts } from '../../workers/src/speech/engines/espeak-ng.js';
import { createPocketsphinxStt } from '../../workers/src/speech/engines/pocketsphinx.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SENTENCES = [
  'Thank you for calling, how can I help you today?',
  'Your appointment is booked for Tuesday at three in the afternoon.',
  'I am sorry, the manager is not available right now. May I take a message?',
];

async function drain<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const audioSeconds = (chunks: AudioChunk[]) =>
  chunks.reduce((s, c) => s + c.pcm.length / c.channels / c.sampleRateHz, 0);
const fmt = (n: number, digits = 3) => n.toFixed(digits);

async function timeStt(clips: AudioChunk[], transcribe: (a: AsyncIterable<AudioChunk>) => AsyncIterable<unknown>) {
  const started = performance.now();
  for (const clip of clips) await drain(transcribe(chunked(clip)));
  return (performance.now() - started) / 1000 / audioSeconds(clips);
}

type Tts = { rtf: number; firstChunkMs: number };
const ROUNDS = 3;

async function timeTts(synthesize: (text: string) => AsyncIterable<AudioChunk>) {
  let seconds = 0;
  let audio = 0;
  const firsts: number[] = [];
  for (const text of SENTENCES) {
    const started = performance.now();
    let first = 0;
    const chunks: AudioChunk[] = [];
    for await (const chunk of synthesize(text)) {
      if (chunks.length === 0) first = performance.now() - started;
      chunks.push(chunk);
    }
    seconds += (performance.now() - started) / 1000;
    audio += audioSeconds(chunks);
    firsts.push(first);
  }
  return { rtf: seconds / audio, firstChunkMs: firsts.sort((a, b) => a - b)[Math.floor(firsts.length / 2)]! };
}

async function main(): Promise<void> {
  execFileSync(path.join(root, 'scripts/make-speech-fixtures.sh'), { stdio: 'inherit' });
  const clips = fs
    .readdirSync(FIXTURES_DIR)
    .filter((f) => f.startsWith('en-slt16k-'))
    .slice(0, 2)
    .map((f) => readWav(path.join(FIXTURES_DIR, f)));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-speech-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    SPEECH_WORKER_CAPACITY: '4',
    ADMIN_PASSWORD: 'bench-password',
  });
  const runtime = await startRuntime(config, createLogger({ logLevel: 'silent', logPretty: false }));
  try {
    await runtime.app.listen({ port: 0, host: '127.0.0.1' });
    await entersState(runtime.speech.localWorker!, 'ready', 60_000);
    const service = runtime.speech.service;
    const stt = createPocketsphinxStt();
    const tts = createEspeakTts();
    const signal = new AbortController().signal;
    const local = {
      stt: (a: AsyncIterable<AudioChunk>) => stt.transcribe(a, { signal }),
      tts: (text: string) => tts.synthesize(text, { voice: 'en', signal }),
    };
    const worker = {
      stt: (a: AsyncIterable<AudioChunk>) => service.transcribeStream(a, { language: 'en' }),
      tts: (text: string) => service.synthesize(text, { voice: 'en' }),
    };
    await drain(worker.stt(chunked(clips[0]!))); // warm-up
    await drain(worker.tts('warm up'));

    // Alternating rounds, best of each: the machine is shared, so single runs are noisy.
    const runs = { sttLocal: [] as number[], sttWorker: [] as number[], ttsLocal: [] as Tts[], ttsWorker: [] as Tts[] };
    for (let round = 0; round < ROUNDS; round++) {
      runs.sttLocal.push(await timeStt(clips, local.stt));
      runs.sttWorker.push(await timeStt(clips, worker.stt));
      runs.ttsLocal.push(await timeTts(local.tts));
      runs.ttsWorker.push(await timeTts(worker.tts));
    }
    const best = (xs: number[]) => Math.min(...xs);
    const sttLocal = best(runs.sttLocal);
    const sttWorker = best(runs.sttWorker);
    const bestTts = (xs: Tts[]) => ({
      rtf: best(xs.map((x) => x.rtf)),
      firstChunkMs: best(xs.map((x) => x.firstChunkMs)),
    });
    const ttsLocal = bestTts(runs.ttsLocal);
    const ttsWorker = bestTts(runs.ttsWorker);
    const load = os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
    console.log(
      `\nclips: ${clips.length} (${fmt(audioSeconds(clips), 1)} s of audio), cpus: ${os.cpus().length}, load average: ${load}`,
    );
    console.log(`best of ${ROUNDS} alternating rounds`);
    console.log('engine              in-process RTF   worker RTF   ratio (worker/in-process)');
    console.log(
      `STT pocketsphinx    ${fmt(sttLocal).padEnd(16)} ${fmt(sttWorker).padEnd(12)} ${fmt(sttWorker / sttLocal, 2)}`,
    );
    console.log(
      `TTS espeak-ng       ${fmt(ttsLocal.rtf).padEnd(16)} ${fmt(ttsWorker.rtf).padEnd(12)} ${fmt(ttsWorker.rtf / ttsLocal.rtf, 2)}`,
    );
    console.log(
      `TTS first chunk (best): in-process ${fmt(ttsLocal.firstChunkMs, 1)} ms, worker ${fmt(ttsWorker.firstChunkMs, 1)} ms`,
    );

    console.log('\nSTT throughput through the worker (capacity 4):');
    for (const concurrency of [1, 2, 4]) {
      const jobs = [...clips, ...clips];
      const started = performance.now();
      let next = 0;
      const lane = async () => {
        while (next < jobs.length) await drain(worker.stt(chunked(jobs[next++]!)));
      };
      await Promise.all(Array.from({ length: concurrency }, lane));
      const wallS = (performance.now() - started) / 1000;
      console.log(
        `  ${concurrency} concurrent: ${fmt(audioSeconds(jobs) / wallS, 2)} audio-s per wall-s (${fmt(wallS, 2)} s for ${jobs.length} clips)`,
      );
    }
  } finally {
    await runtime.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
