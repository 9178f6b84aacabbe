import { entersState, type StateMachine } from '../state/enters-state.js';
import type { VoiceStatus } from './session-types.js';

/** What a session is stuck in: its status, or `vad` when the VAD stopped taking the caller's audio. */
export type Stall = Exclude<VoiceStatus, 'ended'> | 'vad';

/** What the watchdog reads from a session when it looks. */
export interface SessionSnapshot {
  status: VoiceStatus;
  /** The "are you still there?" timer is running. */
  silenceArmed: boolean;
  /** A reply (LLM, prompt, scripted) is being produced or played. */
  replyInFlight: boolean;
  /** The caller's turn in progress (the VAD heard speech start). */
  turnInProgress: boolean;
  /** Ended caller turns whose transcript or reply has not started yet. */
  turnsPending: number;
  /** The session waits for a restarted speech worker (bounded by its own timeout). */
  recoveryWaiting: boolean;
  /** How long the VAD has held a chunk without asking for the next (0 while waiting for input). */
  vadIdleMs: number;
}

/**
 * Why a session that stayed in one status for `watchdogMs` is going nowhere, or null when something
 * in flight will move it on. The caller must always be heard (listening with the silence prompt armed),
 * spoken to, or said goodbye to.
 */
export function stallOf(s: SessionSnapshot, watchdogMs: number): Stall | null {
  switch (s.status) {
    case 'listening':
      return s.silenceArmed || s.replyInFlight || s.turnInProgress ? null : 'listening';
    case 'user_speaking':
      if (s.vadIdleMs >= watchdogMs) return 'vad';
      return s.turnInProgress || s.turnsPending > 0 || s.replyInFlight ? null : 'user_speaking';
    case 'speaking':
      return s.replyInFlight ? null : 'speaking';
    case 'recovering':
      return s.recoveryWaiting ? null : 'recovering';
    case 'starting':
    case 'thinking':
    case 'ending':
      return s.status; // nothing for the caller to hear for the whole period
    case 'ended':
      return null;
  }
}

export interface WatchdogHost {
  /** The session itself. */
  session: StateMachine<VoiceStatus>;
  /** 0 turns the watchdog off. */
  watchdogMs: number;
  /** Interventions per call before the watchdog ends it. */
  maxInterventions: number;
  /** Aborts when the session ends. */
  signal: AbortSignal;
  snapshot(): SessionSnapshot;
  /** Record the degradation (kind `watchdog`, the stall as detail). */
  degrade(stall: Stall): void;
  /** Restart what is stuck and say something to the caller. */
  unstick(stall: Stall): void;
  /** End the call politely (the goodbye phrase, then hang up). */
  giveUp(): void;
  /** End the call at once: even the goodbye is stuck. */
  abandon(): void;
}

/**
 * Looks at a voice session each time it has stayed `watchdogMs` in one status. A stalled session is
 * unstuck (a re-prompt, a restarted VAD) and must be speaking within another `watchdogMs`; otherwise,
 * or after `maxInterventions`, the call is ended politely, and without a goodbye if even that hangs.
 */
export class VoiceWatchdog {
  private timer: NodeJS.Timeout | null = null;
  private interventions = 0;
  private acting = false;
  private readonly onChange = () => {
    if (!this.acting) this.arm();
  };

  constructor(private readonly host: WatchdogHost) {}

  start(): void {
    if (this.host.watchdogMs <= 0 || this.host.signal.aborted) return;
    this.host.session.on('stateChange', this.onChange);
    this.host.signal.addEventListener('abort', () => this.stop(), { once: true });
    this.arm();
  }

  private stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.host.session.off('stateChange', this.onChange);
  }

  private arm(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.host.signal.aborted) return;
    this.timer = setTimeout(() => void this.check(), this.host.watchdogMs);
  }

  private async check(): Promise<void> {
    this.timer = null;
    const stall = stallOf(this.host.snapshot(), this.host.watchdogMs);
    if (stall === null) return this.arm();
    this.acting = true;
    try {
      await this.act(stall);
    } finally {
      this.acting = false;
      this.arm();
    }
  }

  private async act(stall: Stall): Promise<void> {
    this.host.degrade(stall);
    if (stall === 'ending') return this.host.abandon();
    if (++this.interventions > this.host.maxInterventions) return this.end();
    this.host.unstick(stall);
    if (!(await this.reaches('speaking')) && !this.host.signal.aborted) await this.end();
  }

  private async end(): Promise<void> {
    this.host.giveUp();
    if (!(await this.reaches('ended'))) this.host.abandon();
  }

  /** Waits up to `watchdogMs` for the session to enter `status`; the session's end stops the wait. */
  private reaches(status: VoiceStatus): Promise<boolean> {
    const signal = AbortSignal.any([this.host.signal, AbortSignal.timeout(this.host.watchdogMs)]);
    return entersState(this.host.session, status, signal).then(
      () => true,
      () => false,
    );
  }
}
