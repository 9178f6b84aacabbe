/**
 * Voice engine benchmark: plays the 10 fixture utterances (server/test/fixtures/speech/generated/en-slt16k-NN.wav,
 * synthesized by scripts/make-speech-fixtures.sh on first use)
 * in real time into one session with instant fakes (energy VAD, scripted STT, instant LLM and TTS)
 * and prints the per-turn latency breakdown (p50/p95) and the engine's own overhead:
 * voice-to-voice minus (end-of-speech delay + STT final + LLM first token + TTS first audio).
 * Run: npm run bench -- voice   (or: tsx --tsconfig server/tsconfig.json scripts/bench/voice.ts [--speed 1])
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { paceRealtime, samplesFor, type AudioChunk } from '../../server/src/core/voice/audio.js';
import type { ConversationStore, TurnMetrics } from '../../server/src/core/voice/ports.js';
import { createVoiceSession } from '../../server/src/core/voice/session.js';
import { createFakeLlm } from '../../server/src/testing/fake-llm-port.js';
import { createFakeStt } from '../../server/src/testing/fake-stt.js';
import { createFakeTts } from '../../server/src/testing/fake-tts.js';
import { createFakeVad } from '../../server/src/testing/fake-vad.js';
import { createRecordingNotifier } from '../../server/src/testing/recording-notifier.js';
import { reportTurns } from './voice-report.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const fixtures = path.join(root, 'server', 'test', 'fixtures', 'speech', 'generated');
if (!fs.existsSync(path.join(fixtures, 'transcripts.json'))) {
  execFileSync(path.join(root, 'scripts', 'make-speech-fixtures.sh'), { stdio: 'inherit' });
}
const { values } = parseArgs({
  options: {
    speed: { type: 'string', default: '1' },
    trailing: { type: 'string', default: '400' },
    fixtures: { type: 'string', default: fixtures },
  },
});
const speed = Number(values.speed);
const FRAME_MS = 20;
const GAP_MS = 1500;

/** Minimal RIFF reader: 16-bit mono PCM `data` chunk. */
function readWav(file: string): AudioChunk {
  const buf = fs.readFileSync(file);
  const rate = buf.readUInt32LE(24);
  let offset = 12;
  while (offset < buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    if (id === 'data') {
      const pcm = new Int16Array(buf.buffer.slice(buf.byteOffset + offset + 8, buf.byteOffset + offset + 8 + size));
      return { pcm, sampleRateHz: rate, channels: 1 };
    }
    offset += 8 + size + (size % 2);
  }
  throw new Error(`${file}: no data chunk`);
}

function loadUtterances(): Array<{ audio: AudioChunk; text: string }> {
  const transcripts = JSON.parse(fs.readFileSync(path.join(values.fixtures, 'transcripts.json'), 'utf8')) as {
    items: Array<{ file: string; text: string }>;
  };
  return transcripts.items
    .filter((item) => /^en-slt16k-\d+\.wav$/.test(item.file))
    .sort((a, b) => a.file.localeCompare(b.file))
    .map((item) => ({ audio: readWav(path.join(values.fixtures, item.file)), text: item.text }));
}

/** The caller's line: 1 s of silence, then each utterance followed by a gap, in 20 ms frames. */
async function* callerLine(utterances: AudioChunk[]): AsyncIterable<AudioChunk> {
  const rate = 16000;
  const frame = samplesFor(FRAME_MS, rate);
  const parts: Int16Array[] = [new Int16Array(samplesFor(1000, rate))];
  for (const u of utterances) parts.push(u.pcm, new Int16Array(samplesFor(GAP_MS, rate)));
  const all = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  const start = performance.now();
  for (let i = 0, t = 0; i < all.length; i += frame, t += FRAME_MS) {
    const wait = start + t / speed - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    yield { pcm: all.subarray(i, i + frame), sampleRateHz: rate, channels: 1 };
  }
}

const nullStore: ConversationStore = {
  createConversation: async () => undefined,
  updateConversation: async () => undefined,
  addTurn: async () => undefined,
  addMessage: async () => undefined,
};

async function main(): Promise<void> {
  const utterances = loadUtterances();
  const session = createVoiceSession(
    {
      vad: createFakeVad(),
      stt: createFakeStt({ script: utterances.map((u) => u.text), partialAfterMs: 0 }),
      llm: createFakeLlm({ fallback: () => ({ text: 'Sure, noted.' }) }),
      tts: createFakeTts({ msPerChar: 5 }),
      store: nullStore,
      notifier: createRecordingNotifier(),
    },
    {
      input: callerLine(utterances.map((u) => u.audio)),
      channel: 'bench',
      endpointing: { trailingSilenceMs: Number(values.trailing) },
      silencePromptMs: 600_000,
    },
  );
  const turns: TurnMetrics[] = [];
  session.on('metrics', ({ metrics }) => turns.push(metrics));
  for await (const _ of paceRealtime(session.output, { speed })) {
    /* a transport playing the audio */
  }
  await session.done;
  report(turns, utterances.length);
}

function report(turns: TurnMetrics[], expected: number): void {
  reportTurns(
    turns,
    `voice engine, ${turns.length}/${expected} turns, trailing silence ${values.trailing} ms, speed ${speed}x`,
  );
}

await main();
