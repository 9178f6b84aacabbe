import { createResampler, type AudioChunk } from './audio.js';
import type { TtsPort, TtsRequest } from './ports.js';

type Item = { kind: 'audio'; chunk: AudioChunk } | { kind: 'mark'; resolve: (played: boolean) => void };

/**
 * The session's outgoing audio. Pull-based: the transport (through `paceRealtime`) takes chunks
 * as it plays them, so anything not yet taken can be dropped on barge-in. Marks tell the engine
 * how far playback has got.
 */
export class OutputChannel implements AsyncIterable<AudioChunk> {
  private items: Item[] = [];
  private waiter: ((result: IteratorResult<AudioChunk>) => void) | null = null;
  private closed = false;
  private queuedMs = 0;

  constructor(readonly sampleRateHz: number) {}

  /** Milliseconds of audio queued and not yet taken by the transport. */
  get pendingMs(): number {
    return this.queuedMs;
  }

  push(chunk: AudioChunk): void {
    if (this.closed || chunk.pcm.length === 0) return;
    this.items.push({ kind: 'audio', chunk });
    this.queuedMs += (chunk.pcm.length / chunk.sampleRateHz) * 1000;
    this.deliver();
  }

  /** Resolves true once the transport took everything pushed before it; false if it was dropped. */
  mark(): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.closed) return resolve(false);
      this.items.push({ kind: 'mark', resolve });
      this.deliver();
    });
  }

  /** Drops all queued audio (barge-in); returns the milliseconds dropped. */
  clear(): number {
    const dropped = this.queuedMs;
    for (const item of this.items.splice(0)) if (item.kind === 'mark') item.resolve(false);
    this.queuedMs = 0;
    return dropped;
  }

  close(): void {
    this.clear();
    this.closed = true;
    this.waiter?.({ value: undefined, done: true });
    this.waiter = null;
  }

  private deliver(): void {
    while (this.items[0]?.kind === 'mark') (this.items.shift() as { resolve: (v: boolean) => void }).resolve(true);
    if (this.waiter === null) return;
    const item = this.items.shift();
    if (item === undefined) return;
    const waiter = this.waiter;
    this.waiter = null;
    const chunk = (item as { chunk: AudioChunk }).chunk;
    this.queuedMs -= (chunk.pcm.length / chunk.sampleRateHz) * 1000;
    waiter({ value: chunk, done: false });
    this.deliver();
  }

  private next(): Promise<IteratorResult<AudioChunk>> {
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiter = resolve;
      this.deliver();
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<AudioChunk> {
    return { next: () => this.next(), return: async () => ({ value: undefined, done: true }) };
  }
}

/** Synthesized audio converted to the output format, chunk by chunk, phase kept. */
export async function* synthesizeTo(
  tts: TtsPort,
  request: TtsRequest,
  sampleRateHz: number,
  signal: AbortSignal,
): AsyncIterable<AudioChunk> {
  let resampler: ReturnType<typeof createResampler> | null = null;
  let fromHz = 0;
  for await (const chunk of tts.synthesize(request, signal)) {
    if (resampler === null || fromHz !== chunk.sampleRateHz) {
      fromHz = chunk.sampleRateHz;
      resampler = createResampler(fromHz, sampleRateHz);
    }
    const mono = chunk.channels === 1 ? chunk.pcm : monoPcm(chunk);
    yield { pcm: resampler.push(mono), sampleRateHz, channels: 1 };
  }
}

function monoPcm(chunk: AudioChunk): Int16Array {
  const frames = Math.floor(chunk.pcm.length / chunk.channels);
  const out = new Int16Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < chunk.channels; c++) sum += chunk.pcm[i * chunk.channels + c]!;
    out[i] = Math.round(sum / chunk.channels);
  }
  return out;
}

/**
 * Fixed phrases (greeting, apology, goodbye) synthesized once per text/voice/rate and shared by
 * every session, so they play instantly and still play while the TTS worker is down.
 */
export function createPhraseCache(tts: TtsPort) {
  const cache = new Map<string, Promise<AudioChunk[]>>();

  async function synthesizeAll(request: TtsRequest, sampleRateHz: number, signal: AbortSignal) {
    const chunks: AudioChunk[] = [];
    for await (const chunk of synthesizeTo(tts, request, sampleRateHz, signal)) chunks.push(chunk);
    return chunks;
  }

  return {
    get(request: TtsRequest, sampleRateHz: number, signal: AbortSignal): Promise<AudioChunk[]> {
      const key = JSON.stringify([request.text, request.voice ?? '', request.language ?? '', sampleRateHz]);
      let entry = cache.get(key);
      if (entry === undefined) {
        entry = synthesizeAll(request, sampleRateHz, signal);
        cache.set(key, entry);
        entry.catch(() => cache.delete(key));
      }
      return entry;
    },
    get size(): number {
      return cache.size;
    },
  };
}

export type PhraseCache = ReturnType<typeof createPhraseCache>;
