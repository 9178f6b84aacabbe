import { samplesFor, type AudioChunk } from '../core/voice/audio.js';

export interface CallerLineOptions {
  sampleRateHz?: number;
  frameMs?: number;
  /** 1 = real time. */
  speed?: number;
}

type Segment =
  | { kind: 'voice' | 'noise'; frames: number; done: () => void }
  | { kind: 'recording'; pcm: Int16Array; offset: number; done: () => void };

/**
 * The caller's side of a phone line for tests: sends silence frames in real time, and voiced
 * audio (a harmonic tone) or a noise burst when told to. The position is the audio timeline.
 */
export function createCallerLine(options: CallerLineOptions = {}) {
  const rate = options.sampleRateHz ?? 16000;
  const frameMs = options.frameMs ?? 20;
  const speed = options.speed ?? 1;
  const frameSamples = samplesFor(frameMs, rate);
  const segments: Segment[] = [];
  let open = true;
  let positionMs = 0;
  let phase = 0;
  let seed = 1;

  function frame(kind: 'voice' | 'noise' | 'silence'): AudioChunk {
    const pcm = new Int16Array(frameSamples);
    for (let i = 0; i < frameSamples; i++, phase++) {
      if (kind === 'voice') {
        const t = phase / rate;
        pcm[i] = Math.round(5000 * Math.sin(2 * Math.PI * 180 * t) + 2500 * Math.sin(2 * Math.PI * 360 * t));
      } else if (kind === 'noise') {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        pcm[i] = Math.round((seed / 2147483648 - 0.5) * 16000);
      }
    }
    return { pcm, sampleRateHz: rate, channels: 1 };
  }

  function recorded(segment: Extract<Segment, { kind: 'recording' }>): AudioChunk {
    const pcm = new Int16Array(frameSamples);
    pcm.set(segment.pcm.subarray(segment.offset, segment.offset + frameSamples));
    segment.offset += frameSamples;
    return { pcm, sampleRateHz: rate, channels: 1 };
  }

  const finished = (segment: Segment) =>
    segment.kind === 'recording' ? segment.offset >= segment.pcm.length : --segment.frames <= 0;

  async function* input(): AsyncIterable<AudioChunk> {
    const start = performance.now();
    while (open) {
      const due = start + positionMs / speed;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (!open) return;
      const segment = segments[0];
      const chunk = segment?.kind === 'recording' ? recorded(segment) : frame(segment?.kind ?? 'silence');
      positionMs += frameMs;
      if (segment !== undefined && finished(segment)) {
        segments.shift();
        segment.done();
      }
      yield chunk;
    }
  }

  function enqueue(kind: 'voice' | 'noise', ms: number): Promise<void> {
    return new Promise((done) => segments.push({ kind, frames: Math.max(1, Math.round(ms / frameMs)), done }));
  }

  return {
    input: input(),
    /** Voiced audio for `ms`; resolves when it has been sent. */
    say: (ms: number) => enqueue('voice', ms),
    noise: (ms: number) => enqueue('noise', ms),
    /** Plays recorded mono audio at the line's rate (a fixture); resolves when it has been sent. */
    play: (audio: AudioChunk) =>
      new Promise<void>((done) => {
        if (audio.sampleRateHz !== rate || audio.channels !== 1) throw new Error(`play() needs ${rate} Hz mono audio`);
        segments.push({ kind: 'recording', pcm: audio.pcm, offset: 0, done });
      }),
    hangUp: () => {
      open = false;
    },
    get positionMs() {
      return positionMs;
    },
  };
}
