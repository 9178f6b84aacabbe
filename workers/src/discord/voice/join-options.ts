import type { DiscordVoiceOptions } from '@ai-secretary/protocol';

/** What `joinVoiceChannel` gets besides the channel: DAVE on unless the orchestrator says otherwise. */
export interface VoiceJoinOptions {
  selfDeaf: false;
  selfMute: false;
  daveEncryption: boolean;
  decryptionFailureTolerance: number;
}

export const DEFAULT_DECRYPTION_FAILURE_TOLERANCE = 24;

/** Voice options from `discord.config`; an orchestrator that sends none gets DAVE on (Discord requires it). */
export function voiceJoinOptions(options: DiscordVoiceOptions | undefined): VoiceJoinOptions {
  return {
    selfDeaf: false, // the bot listens
    selfMute: false,
    daveEncryption: options?.daveEncryption ?? true,
    decryptionFailureTolerance: options?.decryptionFailureTolerance ?? DEFAULT_DECRYPTION_FAILURE_TOLERANCE,
  };
}

/** Voice gateway close codes that rejoining cannot fix, with the reason reported in the bot's status. */
export const FINAL_VOICE_CLOSES: Readonly<Record<number, string>> = {
  4004: 'voice-auth-failed',
  4014: 'disconnected',
  4016: 'unknown-encryption-mode',
  4017: 'dave-required',
};

/**
 * Failures within a sliding window: `record()` says when the connection should rejoin (more than `limit`
 * failures in `windowMs`). Decryption failures under DAVE come in bursts after key changes; a few are normal.
 */
export class FailureWindow {
  private readonly times: number[] = [];
  total = 0;

  constructor(
    private readonly limit = 3,
    private readonly windowMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one failure; true when the window holds `limit` or more (the caller rejoins, then `reset()`s). */
  record(): boolean {
    const at = this.now();
    this.total += 1;
    this.times.push(at);
    while (this.times.length > 0 && at - this.times[0]! > this.windowMs) this.times.shift();
    return this.times.length >= this.limit;
  }

  reset(): void {
    this.times.length = 0;
  }
}

/** Backoff for rejoins: 1 s, 2 s, 4 s … capped, and at most `maxAttempts` before giving up. */
export class RejoinBackoff {
  attempts = 0;

  constructor(
    private readonly maxAttempts = 5,
    private readonly baseMs = 1000,
    private readonly maxMs = 30_000,
  ) {}

  /** The wait before the next rejoin, or null once the attempts are used up. */
  next(): number | null {
    if (this.attempts >= this.maxAttempts) return null;
    const delay = Math.min(this.maxMs, this.baseMs * 2 ** this.attempts);
    this.attempts += 1;
    return delay;
  }

  reset(): void {
    this.attempts = 0;
  }
}
