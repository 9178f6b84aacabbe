/** Minimal PCM WAV (RIFF) reading and writing: 16-bit little-endian. */

export interface WavData {
  sampleRateHz: number;
  channels: number;
  pcm: Int16Array;
}

export class WavError extends Error {}

export function wavHeader(sampleRateHz: number, channels: number, dataBytes: number): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVEfmt ', 8, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(sampleRateHz, 24);
  h.writeUInt32LE(sampleRateHz * channels * 2, 28);
  h.writeUInt16LE(channels * 2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

export function encodeWav(data: WavData): Buffer {
  const body = Buffer.from(data.pcm.buffer, data.pcm.byteOffset, data.pcm.byteLength);
  return Buffer.concat([wavHeader(data.sampleRateHz, data.channels, body.length), body]);
}

/** Parses a PCM16 WAV, walking chunks (LIST and others are skipped). */
export function decodeWav(file: Buffer): WavData {
  if (file.length < 12 || file.toString('ascii', 0, 4) !== 'RIFF' || file.toString('ascii', 8, 12) !== 'WAVE') {
    throw new WavError('Not a RIFF/WAVE file');
  }
  let offset = 12;
  let format: { channels: number; sampleRateHz: number; bits: number; tag: number } | null = null;
  while (offset + 8 <= file.length) {
    const id = file.toString('ascii', offset, offset + 4);
    const size = file.readUInt32LE(offset + 4);
    const body = file.subarray(offset + 8, Math.min(file.length, offset + 8 + size));
    if (id === 'fmt ' && body.length >= 16) {
      format = {
        tag: body.readUInt16LE(0),
        channels: body.readUInt16LE(2),
        sampleRateHz: body.readUInt32LE(4),
        bits: body.readUInt16LE(14),
      };
    }
    if (id === 'data') {
      if (!format || format.tag !== 1 || format.bits !== 16) throw new WavError('Only 16-bit PCM WAV is supported');
      const even = Buffer.from(body.subarray(0, body.length - (body.length % 2)));
      const pcm = new Int16Array(even.buffer, even.byteOffset, even.length / 2);
      return { sampleRateHz: format.sampleRateHz, channels: format.channels, pcm };
    }
    offset += 8 + size + (size % 2);
  }
  throw new WavError('WAV has no data chunk');
}
