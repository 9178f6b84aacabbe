import type { AudioChunk } from '../workers/audio.js';

/**
 * 16-bit PCM WAV (RIFF) reading and writing, shared by the server (GSM greeting and recordings), the
 * workers (remote STT uploads) and the tests. Plain Uint8Array/DataView, so it runs anywhere; a Node
 * Buffer is a Uint8Array and can be passed in directly.
 */

export type WavErrorCode = 'WAV_NOT_RIFF' | 'WAV_UNSUPPORTED_FORMAT' | 'WAV_NO_DATA';

export class WavError extends Error {
  override name = 'WavError';
  constructor(
    readonly code: WavErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const WAV_HEADER_BYTES = 44;

function writeAscii(view: DataView, offset: number, text: string): void {
  for (let i = 0; i < text.length; i++) view.setUint8(offset + i, text.charCodeAt(i));
}

function readAscii(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

/** The 44-byte header of a canonical PCM16 WAV holding `dataBytes` of samples. */
export function wavHeader(sampleRateHz: number, channels: number, dataBytes: number): Uint8Array {
  const header = new Uint8Array(WAV_HEADER_BYTES);
  const view = new DataView(header.buffer);
  writeAscii(view, 0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  writeAscii(view, 8, 'WAVEfmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRateHz, true);
  view.setUint32(28, sampleRateHz * channels * 2, true);
  view.setUint16(32, channels * 2, true);
  view.setUint16(34, 16, true);
  writeAscii(view, 36, 'data');
  view.setUint32(40, dataBytes, true);
  return header;
}

/** A whole WAV file for one chunk. */
export function encodeWav(chunk: AudioChunk): Uint8Array {
  const body = new Uint8Array(chunk.pcm.length * 2);
  const view = new DataView(body.buffer);
  chunk.pcm.forEach((sample, i) => view.setInt16(i * 2, sample, true));
  const file = new Uint8Array(WAV_HEADER_BYTES + body.length);
  file.set(wavHeader(chunk.sampleRateHz, chunk.channels, body.length));
  file.set(body, WAV_HEADER_BYTES);
  return file;
}

interface WavFormat {
  tag: number;
  channels: number;
  sampleRateHz: number;
  bits: number;
}

function readFormat(view: DataView, offset: number): WavFormat {
  return {
    tag: view.getUint16(offset, true),
    channels: view.getUint16(offset + 2, true),
    sampleRateHz: view.getUint32(offset + 4, true),
    bits: view.getUint16(offset + 14, true),
  };
}

function readSamples(view: DataView, offset: number, bytes: number): Int16Array {
  const pcm = new Int16Array(bytes >> 1);
  for (let i = 0; i < pcm.length; i++) pcm[i] = view.getInt16(offset + i * 2, true);
  return pcm;
}

/** Parses a PCM16 WAV by walking its chunks (LIST and others are skipped; a truncated `data` is read as far as it goes). */
export function decodeWav(file: Uint8Array): AudioChunk {
  if (file.length < 12 || readAscii(file, 0, 4) !== 'RIFF' || readAscii(file, 8, 4) !== 'WAVE') {
    throw new WavError('WAV_NOT_RIFF', 'Not a RIFF/WAVE file');
  }
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  let format: WavFormat | null = null;
  for (let offset = 12; offset + 8 <= file.length;) {
    const id = readAscii(file, offset, 4);
    const size = view.getUint32(offset + 4, true);
    const available = Math.min(size, file.length - offset - 8);
    if (id === 'fmt ' && available >= 16) format = readFormat(view, offset + 8);
    if (id === 'data') {
      if (!format || format.tag !== 1 || format.bits !== 16) {
        throw new WavError('WAV_UNSUPPORTED_FORMAT', 'Only 16-bit PCM WAV is supported');
      }
      return {
        sampleRateHz: format.sampleRateHz,
        channels: format.channels,
        pcm: readSamples(view, offset + 8, available),
      };
    }
    offset += 8 + size + (size % 2);
  }
  throw new WavError('WAV_NO_DATA', 'WAV has no data chunk');
}
