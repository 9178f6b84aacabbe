import { describe, expect, it } from 'vitest';
import { downmixTo16k, SpeakerDecoder, SpeechEncoder, toDiscordStereo } from '../src/discord/voice/audio-edge.js';

const rms = (pcm: Int16Array) => Math.sqrt(pcm.reduce((sum, s) => sum + s * s, 0) / Math.max(1, pcm.length));

function tone(ms: number, sampleRateHz: number, hz = 440): Int16Array {
  const pcm = new Int16Array((sampleRateHz * ms) / 1000);
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / sampleRateHz));
  return pcm;
}

describe('the Discord audio edge', () => {
  it('turns 16 kHz mono speech into 48 kHz stereo and back without losing length or level', () => {
    const speech = { pcm: tone(500, 16_000), sampleRateHz: 16_000, channels: 1 };
    const stereo = toDiscordStereo(speech);
    expect(stereo.length).toBe(48_000); // 0.5 s × 48 kHz × 2 channels
    expect(stereo[100]).toBe(stereo[101]); // both channels carry the voice
    const back = downmixTo16k(stereo);
    expect(back).toMatchObject({ sampleRateHz: 16_000, channels: 1 });
    expect(back.pcm.length).toBe(8000);
    expect(Math.abs(rms(back.pcm) - rms(speech.pcm)) / rms(speech.pcm)).toBeLessThan(0.1);
  });

  it('Opus round trip: 20 ms packets decode per speaker to 16 kHz mono chunks of 320 samples', () => {
    const packets = new SpeechEncoder().encode(
      toDiscordStereo({ pcm: tone(200, 24_000), sampleRateHz: 24_000, channels: 1 }),
    );
    expect(packets).toHaveLength(10);
    const decoder = new SpeakerDecoder();
    const chunks = packets.map((packet) => decoder.decode(packet));
    expect(chunks.every((chunk) => chunk.pcm.length === 320 && chunk.sampleRateHz === 16_000)).toBe(true);
    expect(rms(chunks[5]!.pcm)).toBeGreaterThan(3000);
  });
});
