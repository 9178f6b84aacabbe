import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** The parts of sherpa-onnx-node this product uses (the package ships JSDoc, not TypeScript types). */
export interface SherpaSpeechSegment {
  start: number;
  samples: Float32Array;
}
export interface SherpaVad {
  acceptWaveform(samples: Float32Array): void;
  isEmpty(): boolean;
  /** True while a speech segment is open (silero has heard at least its minimum speech). */
  isDetected(): boolean;
  front(enableExternalBuffer?: boolean): SherpaSpeechSegment;
  pop(): void;
  flush(): void;
}
export interface SherpaOnlineStream {
  acceptWaveform(obj: { samples: Float32Array; sampleRate: number }): void;
  inputFinished(): void;
}
export interface SherpaOnlineRecognizer {
  createStream(): SherpaOnlineStream;
  isReady(stream: SherpaOnlineStream): boolean;
  decode(stream: SherpaOnlineStream): void;
  isEndpoint(stream: SherpaOnlineStream): boolean;
  reset(stream: SherpaOnlineStream): void;
  getResult(stream: SherpaOnlineStream): { text: string };
}
export interface SherpaOfflineStream {
  acceptWaveform(obj: { samples: Float32Array; sampleRate: number }): void;
}
export interface SherpaOfflineRecognizer {
  createStream(): SherpaOfflineStream;
  decode(stream: SherpaOfflineStream): void;
  getResult(stream: SherpaOfflineStream): { text: string };
}
export interface SherpaOfflineTts {
  sampleRate: number;
  generateAsync(obj: {
    text: string;
    sid: number;
    speed: number;
    onProgress?: (info: { samples: Float32Array; progress: number }) => number | boolean | void;
  }): Promise<{ samples: Float32Array; sampleRate: number }>;
}
export interface SherpaModule {
  Vad: new (config: object, bufferSizeInSeconds: number) => SherpaVad;
  OnlineRecognizer: new (config: object) => SherpaOnlineRecognizer;
  OfflineRecognizer: new (config: object) => SherpaOfflineRecognizer;
  OfflineTts: new (config: object) => SherpaOfflineTts;
}

const require = createRequire(import.meta.url);
let cached: SherpaModule | undefined;

/** Loads the native addon on first use only (a worker without sherpa engines never maps it). */
export function loadSherpa(): SherpaModule {
  cached ??= require('sherpa-onnx-node') as SherpaModule;
  return cached;
}

export type ExecutionProvider = 'cpu' | 'cuda';

/**
 * `cuda` only when asked for and usable: an NVIDIA device node and a CUDA-enabled onnxruntime
 * provider library next to the sherpa addon; otherwise `cpu` (with the reason, for the worker's report).
 */
export function resolveProvider(requested: ExecutionProvider): { provider: ExecutionProvider; note?: string } {
  if (requested === 'cpu') return { provider: 'cpu' };
  if (!fs.existsSync('/dev/nvidiactl')) return { provider: 'cpu', note: 'no NVIDIA device found; using cpu' };
  const addonDir = path.dirname(require.resolve('sherpa-onnx-linux-x64/package.json'));
  if (!fs.existsSync(path.join(addonDir, 'libonnxruntime_providers_cuda.so'))) {
    return { provider: 'cpu', note: 'the installed sherpa-onnx build has no CUDA provider; using cpu' };
  }
  return { provider: 'cuda' };
}

/** int16 PCM -> float samples in [-1, 1) as sherpa expects. */
export function toFloat32(pcm: Int16Array): Float32Array {
  const out = new Float32Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = pcm[i]! / 32768;
  return out;
}

export function toInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(samples[i]! * 32767)));
  return out;
}
