import { createResampler, samplesPerFrame, FRAME_MS } from '../../../core/gsm/audio-dsp.js';

/**
 * The far end of the modem's PCM port: plays the caller's audio in paced 20 ms frames while CPCMREG is on,
 * and collects what the host sends down (with arrival times, for pacing measurements).
 */
export class SimulatedAudioLine {
  /** Downlink samples received, at the modem's PCM rate. */
  readonly downlink: Int16Array[] = [];
  /** performance.now() of each downlink read. */
  readonly downlinkArrivals: Array<{ atMs: number; samples: number }> = [];
  rateHz = 8000;
  private caller: { pcm: Int16Array; rateHz: number } | null = null;
  private callerAtRate: Int16Array = new Int16Array(0);
  private position = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private tick = 0;
  private startMs = 0;
  private pending = Buffer.alloc(0);

  /** Caller audio for the next call (any rate); silence after it ends. */
  setCallerAudio(pcm: Int16Array, rateHz: number): void {
    this.caller = { pcm, rateHz };
  }

  get downlinkSamples(): number {
    return this.downlink.reduce((n, c) => n + c.length, 0);
  }

  get active(): boolean {
    return this.timer !== null;
  }

  start(rateHz: number, write: (bytes: Buffer) => void): void {
    this.stop();
    this.rateHz = rateHz;
    this.callerAtRate = this.caller ? createResampler(this.caller.rateHz, rateHz)(this.caller.pcm) : new Int16Array(0);
    this.position = 0;
    this.tick = 0;
    this.startMs = performance.now();
    const frame = samplesPerFrame(rateHz);
    const step = () => {
      const out = new Int16Array(frame);
      out.set(this.callerAtRate.subarray(this.position, this.position + frame));
      this.position += frame;
      write(Buffer.from(out.buffer));
      this.tick++;
      this.timer = setTimeout(step, Math.max(0, this.startMs + this.tick * FRAME_MS - performance.now()));
    };
    this.timer = setTimeout(step, 0);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Bytes the host wrote to the audio port. */
  receive(bytes: Buffer): void {
    const all = this.pending.length ? Buffer.concat([this.pending, bytes]) : bytes;
    const even = all.length - (all.length % 2);
    this.pending = Buffer.from(all.subarray(even));
    const pcm = new Int16Array(even / 2);
    for (let i = 0; i < pcm.length; i++) pcm[i] = all.readInt16LE(i * 2);
    this.downlink.push(pcm);
    this.downlinkArrivals.push({ atMs: performance.now(), samples: pcm.length });
  }
}
