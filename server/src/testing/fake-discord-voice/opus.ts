import opus from '@discordjs/opus';
import type { AudioChunk } from '@ai-secretary/protocol';
import { convertChunk } from '../../core/voice/audio.js';

// A CommonJS addon: Node's ESM loader sees only its default export.
const { OpusEncoder } = opus;

/** Discord voice: Opus at 48 kHz stereo in 20 ms frames (960 samples per channel). */
export const DISCORD_RATE_HZ = 48_000;
export const DISCORD_CHANNELS = 2;
export const FRAME_SAMPLES = 960;
const FRAME_VALUES = FRAME_SAMPLES * DISCORD_CHANNELS;
/** The three-byte Opus silence frame clients send (five of them) after speech. */
export const OPUS_SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);

/** Any chunk → 48 kHz stereo s16 PCM (mono duplicated into both channels). */
export function toDiscordPcm(chunk: AudioChunk): Int16Array {
  const mono = convertChunk(chunk, DISCORD_RATE_HZ).pcm;
  const stereo = new Int16Array(mono.length * 2);
  for (let i = 0; i < mono.length; i++) stereo[2 * i] = stereo[2 * i + 1] = mono[i]!;
  return stereo;
}

/** Opus packets for 48 kHz stereo PCM, one per 20 ms (the last frame zero-padded). */
export function encodeFrames(pcm: Int16Array): Buffer[] {
  const encoder = new OpusEncoder(DISCORD_RATE_HZ, DISCORD_CHANNELS);
  const frames: Buffer[] = [];
  for (let i = 0; i < pcm.length; i += FRAME_VALUES) {
    const frame = new Int16Array(FRAME_VALUES);
    frame.set(pcm.subarray(i, Math.min(i + FRAME_VALUES, pcm.length)));
    frames.push(encoder.encode(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength)));
  }
  return frames;
}

/** Decodes one stream's Opus packets in order (one decoder per sender keeps its state). */
export class OpusStreamDecoder {
  private readonly decoder = new OpusEncoder(DISCORD_RATE_HZ, DISCORD_CHANNELS);

  decode(packet: Buffer): Int16Array {
    const pcm = this.decoder.decode(packet);
    return new Int16Array(pcm.buffer, pcm.byteOffset, pcm.byteLength / 2).slice();
  }
}
