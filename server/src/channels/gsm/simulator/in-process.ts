import { AsyncQueue } from '@ai-secretary/protocol';
import { bytesToPcm, pcmToBytes } from '../../../core/gsm/audio-dsp.js';
import { createLineSplitter } from '../../../core/gsm/line-splitter.js';
import type { AtTransport, PcmAudioPort } from '../../../core/gsm/types.js';
import { SimulatedAudioLine } from './audio-line.js';
import { Sim7600Emulator, type EmulatorScenario } from './sim7600-emulator.js';

/**
 * The built-in simulated modem (GSM mock fallback): the emulator wired to the driver in memory, so every
 * feature works without hardware. Status reports `simulated: true`.
 */
export class InProcessSimulator {
  readonly emulator: Sim7600Emulator;
  readonly audio = new SimulatedAudioLine();
  private hostAudio: AsyncQueue<Int16Array> | null = null;

  constructor(scenario: Partial<EmulatorScenario> = {}) {
    this.emulator = new Sim7600Emulator(scenario);
    this.emulator.on('audio-start', (rate) =>
      this.audio.start(rate, (bytes) => this.hostAudio?.push(bytesToPcm(bytes))),
    );
    this.emulator.on('audio-stop', () => this.audio.stop());
  }

  openTransport(): AtTransport {
    const lines = new AsyncQueue<string>({ endOnReturn: true });
    const splitter = createLineSplitter((line) => lines.push(line));
    const onOutput = (text: string) => splitter.push(text);
    this.emulator.on('output', onOutput);
    return {
      write: async (text) => {
        setImmediate(() => this.emulator.receive(text));
      },
      lines: () => lines,
      close: async () => {
        this.emulator.off('output', onOutput);
        lines.end();
      },
    };
  }

  openAudioPort(sampleRateHz: number): PcmAudioPort {
    const frames = new AsyncQueue<Int16Array>({ endOnReturn: true });
    this.hostAudio = frames;
    return {
      sampleRateHz,
      frames: () => frames,
      write: async (pcm) => this.audio.receive(Buffer.from(pcmToBytes(pcm))),
      close: async () => {
        frames.end();
        if (this.hostAudio === frames) this.hostAudio = null;
      },
    };
  }

  dispose(): void {
    this.audio.stop();
    this.emulator.dispose();
  }
}
