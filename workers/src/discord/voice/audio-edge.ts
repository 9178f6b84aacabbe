import opus from '@discordjs/opus';
import type { AudioChunk } from '@ai-secretary/protocol';

// A CommonJS addon: Node's ESM loader sees only its default export.
const { OpusEncoder } = opus;

/** Discord voice: Opus, 48 kHz stereo, 20 ms frames of 960 samples per channel. */
export const DISCORD_RATE_HZ = 48_000;
export const DISCORD_CHANNELS = 2;
export const FRAME_SAMPLES = 960;
/** What the voice engine takes (VAD, STT): 16 kHz mono. */
export const ENGINE_RATE_HZ = 16_000;
const DECIMATION = DISCORD_RATE_HZ / ENGINE_RATE_HZ;

/**
 * One speaker's side of the edge: Opus packets → 48 kHz stereo → the product's chunk at 16 kHz mono. Each
 * speaker has its own decoder (Opus decoders keep state). 48 → 16 kHz is an exact 3:1 step: the stereo mix is
 * averaged over each three samples (a box low-pass), enough for speech bound for VAD and STT.
 */
export class SpeakerDecoder {
  private readonly decoder = new OpusEncoder(DISCORD_RATE_HZ, DISCORD_CHANNELS);

  decode(packet: Buffer): AudioChunk {
    const raw = this.decoder.decode(packet);
    return downmixTo16k(new Int16Array(raw.buffer, raw.byteOffset, raw.byteLength / 2));
  }
}

/** 48 kHz interleaved stereo → 16 kHz mono (frames are whole multiples of 3 samples: 960 per 20 ms). */
export function downmixTo16k(stereo: Int16Array): AudioChunk {
  const frames = Math.floor(stereo.length / DISCORD_CHANNELS / DECIMATION);
  const pcm = new Int16Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let k = 0; k < DECIMATION * DISCORD_CHANNELS; k++) sum += stereo[i * DECIMATION * DISCORD_CHANNELS + k]!;
    pcm[i] = Math.round(sum / (DECIMATION * DISCORD_CHANNELS));
  }
  return { pcm, sampleRateHz: ENGINE_RATE_HZ, channels: 1 };
}

/** The engine's speech (mono at 8/16/24/48 kHz) → 48 kHz interleaved stereo for the player (linear steps). */
export function toDiscordStereo(chunk: AudioChunk): Int16Array {
  const mono = chunk.channels === 1 ? chunk.pcm : mixDown(chunk);
  const ratio = DISCORD_RATE_HZ / chunk.sampleRateHz;
  const out = new Int16Array(Math.floor(mono.length * ratio) * DISCORD_CHANNELS);
  for (let i = 0; i < out.length / DISCORD_CHANNELS; i++) {
    const position = i / ratio;
    const base = Math.floor(position);
    const next = mono[Math.min(base + 1, mono.length - 1)]!;
    const value = Math.round(mono[base]! * (1 - (position - base)) + next * (position - base));
    out[2 * i] = out[2 * i + 1] = value;
  }
  return out;
}

function mixDown(chunk: AudioChunk): Int16Array {
  const frames = Math.floor(chunk.pcm.length / chunk.channels);
  const out = new Int16Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < chunk.channels; c++) sum += chunk.pcm[i * chunk.channels + c]!;
    out[i] = Math.round(sum / chunk.channels);
  }
  return out;
}

/** The player's side: 48 kHz stereo PCM → 20 ms Opus packets (the last frame padded with silence). */
export class SpeechEncoder {
  private readonly encoder = new OpusEncoder(DISCORD_RATE_HZ, DISCORD_CHANNELS);

  encode(stereo: Int16Array): Buffer[] {
    const step = FRAME_SAMPLES * DISCORD_CHANNELS;
    const packets: Buffer[] = [];
    for (let i = 0; i < stereo.length; i += step) {
      const frame = new Int16Array(step);
      frame.set(stereo.subarray(i, Math.min(i + step, stereo.length)));
      packets.push(this.encoder.encode(Buffer.from(frame.buffer)));
    }
    return packets;
  }
}
