import fs from 'node:fs';
import { wavHeader } from '@ai-secretary/protocol';
import { openPrivateFile } from '../private-files.js';

const FLUSH_BYTES = 64 * 1024;

/** Streams mono PCM16 to a WAV file in ~64 KB writes; the header is fixed up on close. */
export class WavRecorder {
  private readonly fd: number;
  private bytes = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    readonly filePath: string,
    readonly sampleRateHz: number,
  ) {
    this.fd = openPrivateFile(filePath, 'w'); // recordings are readable by the server's user only
    fs.writeSync(this.fd, wavHeader(sampleRateHz, 1, 0));
  }

  write(pcm: Int16Array): void {
    if (pcm.length === 0) return;
    this.pending.push(Buffer.from(pcm.slice().buffer));
    this.pendingBytes += pcm.byteLength;
    this.bytes += pcm.byteLength;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
  }

  close(): void {
    this.flush();
    fs.writeSync(this.fd, wavHeader(this.sampleRateHz, 1, this.bytes), 0, 44, 0);
    fs.closeSync(this.fd);
  }

  private flush(): void {
    if (this.pendingBytes === 0) return;
    fs.writeSync(this.fd, Buffer.concat(this.pending));
    this.pending = [];
    this.pendingBytes = 0;
  }
}
