import fs from 'node:fs';
import { SerialPort } from 'serialport';
import { AsyncQueue } from '@ai-secretary/protocol';
import { bytesToPcm, pcmToBytes } from '../../core/gsm/audio-dsp.js';
import { createLineSplitter } from '../../core/gsm/line-splitter.js';
import type { AtTransport, PcmAudioPort } from '../../core/gsm/types.js';

function openPort(path: string, baudRate: number): Promise<SerialPort> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate, autoOpen: false });
    port.open((error) => (error ? reject(error) : resolve(port)));
  });
}

/**
 * Watches the device node: on a PTY hang-up serialport may keep reading 0 bytes instead of reporting a
 * disconnect, and a USB modem's node disappears when it is unplugged or re-enumerates after AT+CRESET.
 */
function watchDevice(path: string, onGone: () => void): () => void {
  const timer = setInterval(() => {
    if (!fs.existsSync(path)) onGone();
  }, 500);
  timer.unref();
  return () => clearInterval(timer);
}

function closePort(port: SerialPort): Promise<void> {
  return new Promise((resolve) => {
    if (!port.isOpen) return resolve();
    port.close(() => resolve());
  });
}

/** The AT port of a real modem (or the simulator's PTY) as an AtTransport. */
export async function openSerialAtTransport(path: string, baudRate: number): Promise<AtTransport> {
  const port = await openPort(path, baudRate);
  const lines = new AsyncQueue<string>({ endOnReturn: true });
  const splitter = createLineSplitter((line) => lines.push(line));
  port.on('data', (data: Buffer) => splitter.push(data.toString('latin1')));
  port.on('close', () => lines.end());
  port.on('error', () => lines.end());
  const unwatch = watchDevice(path, () => {
    unwatch();
    lines.end();
    void closePort(port);
  });
  return {
    write: (text) =>
      new Promise((resolve, reject) => {
        port.write(Buffer.from(text, 'latin1'), (error) => (error ? reject(error) : resolve()));
      }),
    lines: () => lines,
    close: async () => {
      unwatch();
      lines.end();
      await closePort(port);
    },
  };
}

/** The modem's raw PCM port (e.g. /dev/ttyUSB4) as a PcmAudioPort. */
export async function openSerialAudioPort(path: string, baudRate: number, sampleRateHz: number): Promise<PcmAudioPort> {
  const port = await openPort(path, baudRate);
  await new Promise<void>((resolve) => port.flush(() => resolve())); // drop audio left from an earlier call
  const frames = new AsyncQueue<Int16Array>({ endOnReturn: true });
  let carry = Buffer.alloc(0);
  port.on('data', (data: Buffer) => {
    const bytes = carry.length ? Buffer.concat([carry, data]) : data;
    const even = bytes.length - (bytes.length % 2);
    carry = Buffer.from(bytes.subarray(even));
    if (even > 0) frames.push(bytesToPcm(bytes.subarray(0, even)));
  });
  port.on('close', () => frames.end());
  port.on('error', () => frames.end());
  const unwatch = watchDevice(path, () => {
    unwatch();
    frames.end();
    void closePort(port);
  });
  return {
    sampleRateHz,
    frames: () => frames,
    write: (pcm) =>
      new Promise((resolve, reject) => {
        port.write(Buffer.from(pcmToBytes(pcm)), (error) => (error ? reject(error) : resolve()));
      }),
    close: async () => {
      unwatch();
      frames.end();
      await closePort(port);
    },
  };
}
