import type { AudioChunk } from '@ai-secretary/protocol';

/** A RIFF/WAVE header for 16-bit PCM (the container only; no codec). */
export function wavHeader(dataBytes: number, sampleRateHz: number, channels: number): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRateHz, 24);
  header.writeUInt32LE(sampleRateHz * channels * 2, 28);
  header.writeUInt16LE(channels * 2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  return header;
}

export function toWav(chunk: AudioChunk): Buffer {
  const data = Buffer.from(chunk.pcm.buffer, chunk.pcm.byteOffset, chunk.pcm.byteLength);
  return Buffer.concat([wavHeader(data.length, chunk.sampleRateHz, chunk.channels), data]);
}
