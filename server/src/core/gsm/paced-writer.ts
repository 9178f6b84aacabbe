import { FRAME_MS, FrameBuffer } from './audio-dsp.js';

export interface PacedWriterOptions {
  frameSamples: number;
  write(frame: Int16Array): Promise<void> | void;
  /** Frames to hold before starting to play a burst (the jitter buffer depth). */
  prebufferFrames?: number;
  /** Called with the time each frame was handed to the port. */
  onFrame?(atMs: number, silent: boolean): void;
  now?: () => number;
}

/**
 * Writes exactly one 20 ms frame per tick, on a drift-free schedule (tick n at start + n·20 ms), from a
 * jitter buffer fed with bursts of any size; plays silence when the buffer runs dry, so the modem never
 * underruns and bursts never flood it.
 */
export class PacedWriter {
  private readonly buffer: FrameBuffer;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private startMs = 0;
  private tick = 0;
  private playing = false;
  private stopped = false;
  private readonly now: () => number;
  private spaceWaiters: Array<{ belowSamples: number; resolve: () => void }> = [];

  constructor(private readonly options: PacedWriterOptions) {
    this.buffer = new FrameBuffer(options.frameSamples);
    this.now = options.now ?? (() => performance.now());
  }

  start(): void {
    this.startMs = this.now();
    this.schedule();
  }

  push(pcm: Int16Array): void {
    this.buffer.push(pcm);
  }

  /** Samples waiting to be played. */
  get queuedSamples(): number {
    return this.buffer.samples;
  }

  /** Resolves once fewer than `belowSamples` are queued (backpressure for producers faster than real time). */
  waitForSpace(belowSamples: number): Promise<void> {
    if (this.stopped || this.buffer.samples < belowSamples) return Promise.resolve();
    return new Promise((resolve) => this.spaceWaiters.push({ belowSamples, resolve }));
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const waiter of this.spaceWaiters.splice(0)) waiter.resolve();
  }

  private releaseWaiters(): void {
    const queued = this.buffer.samples;
    this.spaceWaiters = this.spaceWaiters.filter((w) => (queued < w.belowSamples ? (w.resolve(), false) : true));
  }

  private schedule(): void {
    if (this.stopped) return;
    const due = this.startMs + this.tick * FRAME_MS;
    this.timer = setTimeout(() => this.onTick(), Math.max(0, due - this.now()));
  }

  private nextFrame(): { frame: Int16Array; silent: boolean } {
    const prebuffer = this.options.prebufferFrames ?? 2;
    if (!this.playing && this.buffer.frames >= prebuffer) this.playing = true;
    const frame = this.playing ? (this.buffer.shift() ?? this.buffer.flush()) : null;
    if (frame) return { frame, silent: false };
    this.playing = false;
    return { frame: new Int16Array(this.options.frameSamples), silent: true };
  }

  private onTick(): void {
    if (this.stopped) return;
    const { frame, silent } = this.nextFrame();
    this.options.onFrame?.(this.now(), silent);
    void Promise.resolve(this.options.write(frame)).catch(() => undefined);
    this.releaseWaiters();
    this.tick++;
    // After a stall (event loop blocked), skip missed ticks instead of bursting to catch up.
    const behind = Math.floor((this.now() - this.startMs) / FRAME_MS) - this.tick;
    if (behind > 2) this.tick += behind;
    this.schedule();
  }
}
