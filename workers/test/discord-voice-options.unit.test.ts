import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DECRYPTION_FAILURE_TOLERANCE,
  FailureWindow,
  FINAL_VOICE_CLOSES,
  RejoinBackoff,
  voiceJoinOptions,
} from '../src/discord/voice/join-options.js';

describe('Discord voice join options (DAVE cannot be exercised without Discord: these are what can be)', () => {
  it('DAVE is on when the orchestrator says nothing, and the bot never joins deaf', () => {
    expect(voiceJoinOptions(undefined)).toEqual({
      selfDeaf: false,
      selfMute: false,
      daveEncryption: true,
      decryptionFailureTolerance: DEFAULT_DECRYPTION_FAILURE_TOLERANCE,
    });
  });

  it('DAVE off and the tolerance come from discord.config (DISCORD_VOICE_DAVE=false, tests only)', () => {
    expect(voiceJoinOptions({ daveEncryption: false, decryptionFailureTolerance: 5 })).toMatchObject({
      daveEncryption: false,
      decryptionFailureTolerance: 5,
    });
  });

  it('4017 (DAVE required) and the other unrecoverable closes have a reason; resumable ones do not', () => {
    expect(FINAL_VOICE_CLOSES[4017]).toBe('dave-required');
    expect(FINAL_VOICE_CLOSES[4015]).toBeUndefined();
    expect(FINAL_VOICE_CLOSES[4006]).toBeUndefined();
  });
});

describe('failure accounting', () => {
  it('asks for a rejoin at the third decryption failure within 30 s, not for failures spread wider', () => {
    let now = 0;
    const window = new FailureWindow(3, 30_000, () => now);
    expect(window.record()).toBe(false);
    now = 20_000;
    expect(window.record()).toBe(false);
    now = 40_000; // the first one left the window
    expect(window.record()).toBe(false);
    now = 41_000;
    expect(window.record()).toBe(true);
    window.reset();
    expect(window.record()).toBe(false);
    expect(window.total).toBe(5);
  });

  it('backs off 1, 2, 4, 8, 16 s between rejoins, then gives up; Ready resets it', () => {
    const backoff = new RejoinBackoff(5, 1000, 30_000);
    expect([1, 2, 3, 4, 5, 6].map(() => backoff.next())).toEqual([1000, 2000, 4000, 8000, 16_000, null]);
    backoff.reset();
    expect(backoff.next()).toBe(1000);
    expect(new RejoinBackoff(10, 1000, 5000).next()).toBe(1000);
  });
});
