import fs from 'node:fs';
import { WAV_HEADER_BYTES, wavHeader } from '@ai-secretary/protocol';
import { openPrivateFile } from '../private-files.js';

/** Audio held in memory before it is written (and the header's sizes brought up to date): one second. */
const FLUSH_SECONDS = 1;

/**
 * Streams mono PCM16 to a WAV file about once a second. Every write also rewrites the header's sizes, so a
 * process killed mid-call leaves a playable file holding all but the last second (see `repairWav`).
 */
export class WavRecorder {
  private readonly fd: number;
  private readonly flushBytes: number;
  private bytes = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    readonly filePath: string,
    readonly sampleRateHz: number,
  ) {
    this.fd = openPrivateFile(filePath, 'w'); // recordings are readable by the server's user only
    fs.writeSync(this.fd, wavHeader(sampleRateHz, 1, 0));
    this.flushBytes = sampleRateHz * 2 * FLUSH_SECONDS;
  }

  write(pcm: Int16Array): void {
    if (pcm.length === 0) return;
    this.pending.push(Buffer.from(pcm.slice().buffer));
    this.pendingBytes += pcm.byteLength;
    if (this.pendingBytes >= this.flushBytes) this.flush();
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }

  private flush(): void {
    if (this.pendingBytes === 0) return;
    fs.writeSync(this.fd, Buffer.concat(this.pending), 0, this.pendingBytes, WAV_HEADER_BYTES + this.bytes);
    this.bytes += this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    fs.writeSync(this.fd, wavHeader(this.sampleRateHz, 1, this.bytes), 0, WAV_HEADER_BYTES, 0);
  }
}

/**
 * Makes a recording a crash cut short consistent: the header's sizes are set from the file's length (whole
 * samples). Returns the audio bytes it holds, or null when the file is missing or not one of ours.
 */
export function repairWav(filePath: string): number | null {
  let fd: number;
  try {
    fd = fs.openSync(filePath, 'r+');
  } catch {
    return null;
  }
  try {
    const head = Buffer.alloc(WAV_HEADER_BYTES);
    if (fs.readSync(fd, head, 0, WAV_HEADER_BYTES, 0) < WAV_HEADER_BYTES) return null;
    if (head.toString('ascii', 0, 4) !== 'RIFF' || head.toString('ascii', 36, 40) !== 'data') return null;
    const dataBytes = (fs.fstatSync(fd).size - WAV_HEADER_BYTES) & ~1;
    if (head.readUInt32LE(40) !== dataBytes) {
      const rate = head.readUInt32LE(24);
      fs.writeSync(fd, wavHeader(rate, head.readUInt16LE(22), dataBytes), 0, WAV_HEADER_BYTES, 0);
    }
    return dataBytes;
  } finally {
    fs.closeSync(fd);
  }
}
