import { describe, expect, it } from 'vitest';
import { createDownlinkConditioner, createResampler, FrameBuffer, rms } from '../../src/core/gsm/audio-dsp.js';
import { decodeWav, encodeWav, WavError } from '@ai-secretary/protocol';
import { createCallPolicy } from '../../src/core/gsm/call-policy.js';
import { parseBusinessHours, scheduleFromSpec } from '../../src/core/settings/business-hours.js';

const tone = (hz: number, rate: number, ms: number) =>
  Int16Array.from({ length: (rate * ms) / 1000 }, (_, i) =>
    Math.round(10000 * Math.sin((2 * Math.PI * hz * i) / rate)),
  );

describe('GSM audio edge', () => {
  it('resamples 8 ↔ 16 kHz keeping duration and speech-band level', () => {
    const up = createResampler(8000, 16000)(tone(1000, 8000, 100));
    expect(up.length).toBe(1600);
    expect(rms(up)).toBeGreaterThan(6000);
    const down = createResampler(16000, 8000)(tone(1000, 16000, 100));
    expect(down.length).toBe(800);
    expect(rms(down)).toBeGreaterThan(6000);
    // 6 kHz cannot exist at 8 kHz: the anti-alias filter must attenuate it
    expect(rms(createResampler(16000, 8000)(tone(6000, 16000, 100)))).toBeLessThan(rms(down) / 2);
  });

  it('high-pass + pre-emphasis removes hum and keeps speech', () => {
    const condition = createDownlinkConditioner(8000);
    const hum = condition(tone(60, 8000, 500)).subarray(800);
    const speech = createDownlinkConditioner(8000)(tone(1500, 8000, 500)).subarray(800);
    expect(rms(hum)).toBeLessThan(rms(tone(60, 8000, 500)) / 10);
    expect(rms(speech)).toBeGreaterThan(rms(tone(1500, 8000, 500)) * 0.8);
  });

  it('frames arbitrary chunks into 20 ms frames', () => {
    const buffer = new FrameBuffer(160);
    buffer.push(new Int16Array(100));
    expect(buffer.shift()).toBeNull();
    buffer.push(new Int16Array(300));
    expect(buffer.shift()?.length).toBe(160);
    expect(buffer.shift()?.length).toBe(160);
    expect(buffer.flush()?.length).toBe(160);
    expect(buffer.flush()).toBeNull();
  });

  it('writes and reads WAV, and rejects non-WAV input', () => {
    const pcm = tone(440, 16000, 50);
    expect(decodeWav(encodeWav({ sampleRateHz: 16000, channels: 1, pcm }))).toEqual({
      sampleRateHz: 16000,
      channels: 1,
      pcm,
    });
    expect(() => decodeWav(Buffer.from('not a wav file at all'))).toThrow(WavError);
  });
});

describe('incoming call policy', () => {
  it('applies block list, allow list and business hours', () => {
    const hours = scheduleFromSpec('mon-fri 09:00-18:00', 'UTC');
    const policy = createCallPolicy({ allowList: [], blockList: ['+100'] }, () => hours);
    const mondayNoon = Date.UTC(2026, 10, 23, 12, 0);
    const mondayNight = Date.UTC(2026, 10, 23, 22, 0);
    const saturdayNoon = Date.UTC(2026, 10, 21, 12, 0);
    expect(policy('+100', mondayNoon)).toBe('reject');
    expect(policy('+200', mondayNoon)).toBe('answer');
    expect(policy('+200', mondayNight)).toBe('ignore');
    expect(policy('+200', saturdayNoon)).toBe('ignore');
    const always = scheduleFromSpec('', 'UTC');
    const allow = createCallPolicy({ allowList: ['+300'], blockList: [] }, () => always);
    expect(allow('+300', 0)).toBe('answer');
    expect(allow('+301', 0)).toBe('ignore');
    expect(() => parseBusinessHours('whenever')).toThrow(RangeError);
  });
});
