/**
 * Voice engine on the REAL speech worker: the 10 fixture utterances
 * (server/test/fixtures/speech/generated/en-slt16k-NN.wav) played in real time into one session whose
 * VAD (silero), STT (pocketsphinx) and TTS (espeak-ng) run in the worker process the runtime spawns,
 * with an instant fake LLM. Each utterance is played once the secretary is listening again.
 * Prints p50/p95 of end-of-speech delay, STT final, LLM first token, TTS first audio, voice-to-voice
 * and the engine's own overhead (voice-to-voice minus those four stage times), plus the word error rate.
 * Run: npm run bench -- voice-real   (or: tsx --tsconfig server/tsconfig.json scripts/bench/voice-real.ts [--trailing 400])
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../server/src/config.js';
import { paceRealtime } from '../../server/src/core/voice/audio.js';
import type { ConversationStore, TurnMetrics } from '../../server/src/core/voice/ports.js';
import { createVoiceSession } from '../../server/src/core/voice/session.js';
import { createLogger } from '../../server/src/logger.js';
import { startRuntime } from '../../server/src/runtime.js';
import { createCallerLine } from '../../server/src/testing/fake-caller.js';
import { createFakeLlm } from '../../server/src/testing/fake-llm-port.js';
import { createRecordingNotifier } from '../../server/src/testing/recording-notifier.js';
import {
  createWorkerSttPort,
  createWorkerTtsPort,
  createWorkerVadPort,
} from '../../server/src/voice/adapters/speech-ports.js';
import { entersState } from '../../server/src/core/state/enters-state.js';
import { fixturePath, readWav, speechFixtures, wordErrors } from '../../server/test/helpers/speech.js';
import { reportTurns } from './voice-report.js';
import { sleep } from './harness.js';

const { values } = parseArgs({ options: { trailing: { type: 'string', default: '400' } } });
const trailingSilenceMs = Number(values.trailing);

const nullStore: ConversationStore = {
  createConversation: async () => undefined,
  updateConversation: async () => undefined,
  addTurn: async () => undefined,
  addMessage: async () => undefined,
};

async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

async function main(): Promise<void> {
  const items = speechFixtures()
    .filter((item) => /^en-slt16k-\d+\.wav$/.test(item.file))
    .sort((a, b) => a.file.localeCompare(b.file));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-voice-real-'));
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', ADMIN_PASSWORD: 'bench-password' });
  const runtime = await startRuntime(config, createLogger({ logLevel: 'silent', logPretty: false }));
  try {
    await runtime.app.listen({ port: 0, host: '127.0.0.1' });
    await entersState(runtime.speech.localWorker!, 'ready', 120_000);
    const speech = {
      service: runtime.speech.service,
      whenAnyWorker: (signal?: AbortSignal) => runtime.speech.pool.whenAnyWorker(signal),
    };
    const caller = createCallerLine();
    const session = createVoiceSession(
      {
        vad: createWorkerVadPort(speech),
        stt: createWorkerSttPort(speech),
        tts: createWorkerTtsPort(speech),
        llm: createFakeLlm({ fallback: () => ({ text: 'Sure, noted.' }) }),
        store: nullStore,
        notifier: createRecordingNotifier(),
      },
      {
        input: caller.input,
        channel: 'bench',
        language: 'en',
        endpointing: { trailingSilenceMs },
        silencePromptMs: 600_000,
      },
    );
    const turns: TurnMetrics[] = [];
    const finals: string[] = [];
    session.on('transcript', (t) => void (t.kind === 'final' && finals.push(t.text)));
    session.on('metrics', ({ metrics }) => void turns.push(metrics));
    const playing = (async () => {
      for await (const _ of paceRealtime(session.output)) {
        /* a transport playing the audio */
      }
    })();
    await until(() => session.status === 'listening', 'the greeting'); // after the greeting
    for (const [i, item] of items.entries()) {
      await sleep(300);
      await caller.play(readWav(fixturePath(item.file)));
      await until(() => turns.length > i && session.status === 'listening', `the answer to ${item.file}`);
      console.log(`${item.file}: "${finals[i] ?? ''}" voice-to-voice ${turns[i]?.voiceToVoiceMs?.toFixed(0)} ms`);
    }
    session.hangUp();
    caller.hangUp();
    await session.done;
    await playing;
    report(turns, items.length);
    let errors = 0;
    let words = 0;
    items.forEach((item, i) => {
      const [e, n] = wordErrors(item.text, finals[i] ?? '');
      errors += e;
      words += n;
    });
    console.log(`word error rate ${((100 * errors) / words).toFixed(1)} % (${errors}/${words})`);
  } finally {
    await runtime.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function report(turns: TurnMetrics[], expected: number): void {
  reportTurns(
    turns,
    `voice engine on the real worker, ${turns.length}/${expected} turns, trailing silence ${trailingSilenceMs} ms`,
  );
}

await main();
