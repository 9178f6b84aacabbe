import path from 'node:path';
import type { Logger } from 'pino';
import { AsyncQueue } from '@ai-secretary/protocol';
import { createDownlinkConditioner, createResampler, samplesPerFrame, toMono } from './audio-dsp.js';
import { PacedWriter } from './paced-writer.js';
import type { AudioChunk, CallAudioHandler, CallHandlerOutput, CallSession, PcmAudioPort } from './types.js';
import { WavRecorder } from './wav-recorder.js';

export interface BridgeHooks {
  onOutput(event: Exclude<CallHandlerOutput, { type: 'audio' }>): void;
  /** First non-silent downlink frame handed to the modem. */
  onFirstAudio(atMs: number): void;
  onFrame?(atMs: number, silent: boolean): void;
  /** No caller audio for a while: the uplink stalled (a half-dead audio endpoint). */
  onUplinkStall(): void;
  /** The handler finished or asked to end the call. */
  onHandlerEnd(reason: string): void;
}

export interface BridgeOptions {
  port: PcmAudioPort;
  handler: CallAudioHandler;
  session: Omit<CallSession, 'input' | 'dtmf' | 'signal'>;
  recordingsDir: string;
  logger: Logger;
  hooks: BridgeHooks;
  uplinkStallMs?: number;
}

/**
 * Connects the modem's PCM port to a CallAudioHandler: caller audio up (resampled to the handler's rate,
 * recorded), handler audio down (resampled, high-pass + pre-emphasis, jitter-buffered, paced 20 ms frames).
 */
export class CallBridge {
  readonly dtmf = new AsyncQueue<string>({ endOnReturn: true });
  readonly recordingCaller: string;
  readonly recordingSecretary: string;
  private readonly abort = new AbortController();
  private readonly input = new AsyncQueue<AudioChunk>({ endOnReturn: true });
  private readonly writer: PacedWriter;
  private readonly callerWav: WavRecorder;
  private readonly secretaryWav: WavRecorder;
  private firstAudioSent = false;
  private stallTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private downlinkDone: Promise<void> = Promise.resolve();

  constructor(private readonly options: BridgeOptions) {
    const modemHz = options.port.sampleRateHz;
    const id = options.session.callId;
    this.recordingCaller = path.join('gsm', 'recordings', `${id}-caller.wav`);
    this.recordingSecretary = path.join('gsm', 'recordings', `${id}-secretary.wav`);
    this.callerWav = new WavRecorder(path.join(options.recordingsDir, this.recordingCaller), modemHz);
    this.secretaryWav = new WavRecorder(path.join(options.recordingsDir, this.recordingSecretary), modemHz);
    this.writer = new PacedWriter({
      frameSamples: samplesPerFrame(modemHz),
      write: (frame) => this.writeFrame(frame),
      onFrame: (atMs, silent) => this.onFrame(atMs, silent),
    });
  }

  start(): void {
    this.writer.start();
    this.armStallTimer();
    void this.uplink();
    this.downlinkDone = this.downlink();
  }

  /** Stops audio both ways, lets the handler report its last events (bounded), finalizes recordings. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.abort.abort();
    this.writer.stop();
    this.input.end();
    this.dtmf.end();
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.callerWav.close();
    this.secretaryWav.close();
    await Promise.race([this.downlinkDone, new Promise((resolve) => setTimeout(resolve, 1000))]);
  }

  private onFrame(atMs: number, silent: boolean): void {
    this.options.hooks.onFrame?.(atMs, silent);
    if (silent || this.firstAudioSent) return;
    this.firstAudioSent = true;
    this.options.hooks.onFirstAudio(Date.now());
  }

  private async writeFrame(frame: Int16Array): Promise<void> {
    if (this.stopped) return;
    this.secretaryWav.write(frame);
    await this.options.port.write(frame);
  }

  private armStallTimer(): void {
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = setTimeout(() => this.options.hooks.onUplinkStall(), this.options.uplinkStallMs ?? 5000);
  }

  private async uplink(): Promise<void> {
    const resample = createResampler(this.options.port.sampleRateHz, this.options.handler.sampleRateHz);
    try {
      for await (const pcm of this.options.port.frames()) {
        if (this.stopped) break;
        this.armStallTimer();
        this.callerWav.write(pcm);
        this.input.push({ pcm: resample(pcm), sampleRateHz: this.options.handler.sampleRateHz, channels: 1 });
      }
    } catch (error) {
      this.options.logger.warn({ err: error }, 'gsm uplink read failed');
    }
  }

  private async downlink(): Promise<void> {
    const modemHz = this.options.port.sampleRateHz;
    const condition = createDownlinkConditioner(modemHz);
    const resamplers = new Map<number, (pcm: Int16Array) => Int16Array>();
    const session: CallSession = {
      ...this.options.session,
      input: this.input,
      dtmf: this.dtmf,
      signal: this.abort.signal,
    };
    let reason = 'handler finished';
    try {
      for await (const event of this.options.handler.handle(session)) {
        if (this.stopped) {
          if (event.type === 'transcript' || event.type === 'metric') this.options.hooks.onOutput(event);
          continue;
        }
        if (event.type === 'audio') {
          const rate = event.chunk.sampleRateHz;
          if (!resamplers.has(rate)) resamplers.set(rate, createResampler(rate, modemHz));
          this.writer.push(condition((resamplers.get(rate) as (p: Int16Array) => Int16Array)(toMono(event.chunk))));
          // Keep at most ~300 ms queued: a handler faster than real time waits here instead of flooding memory.
          await this.writer.waitForSpace(samplesPerFrame(modemHz) * 15);
        } else if (event.type === 'end') {
          reason = event.reason;
          break;
        } else this.options.hooks.onOutput(event);
      }
    } catch (error) {
      reason = 'handler failed';
      this.options.logger.warn({ err: error }, 'gsm call handler failed');
    }
    if (this.stopped) return;
    await this.drain();
    this.options.hooks.onHandlerEnd(reason);
  }

  /** Lets queued audio play out before hanging up (bounded). */
  private async drain(): Promise<void> {
    for (let i = 0; i < 500 && this.writer.queuedSamples > 0 && !this.stopped; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
