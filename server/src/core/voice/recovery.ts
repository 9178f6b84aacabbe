import type { SpeechStage, SpeechUnavailableError } from '../../errors.js';
import type { SpeechHealthPort } from './ports.js';

export interface RecoveryHost {
  now(): number;
  signal: AbortSignal;
  health?: SpeechHealthPort;
  /** Give up this long after the outage began. */
  timeoutMs: number;
  /** Without a health port: wait this long between retries. */
  retryMs: number;
  /** The outage began: log it and play the cached apology. */
  down(stage: SpeechStage | undefined): Promise<void>;
  recovered(): void;
  /** Gave up: end the call politely. */
  lost(stage: SpeechStage | undefined): void;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}

/**
 * One speech-worker outage at a time: the first failure apologises, every failing stage waits on the
 * same recovery, and the first operation that succeeds afterwards ends the outage.
 */
export class SpeechRecovery {
  private downSince: number | null = null;
  private pending: Promise<boolean> | null = null;

  constructor(private readonly host: RecoveryHost) {}

  /** Waiting for the worker right now. */
  get waiting(): boolean {
    return this.downSince !== null && this.pending !== null;
  }

  /** Resolves true when the failed operation should be retried, false when the call is being ended. */
  trouble(error: SpeechUnavailableError): Promise<boolean> {
    if (this.host.signal.aborted) return Promise.resolve(false);
    this.pending ??= this.recover(error.stage).finally(() => (this.pending = null));
    return this.pending;
  }

  /** A speech operation succeeded. */
  ok(): void {
    if (this.downSince === null || this.pending !== null) return;
    this.downSince = null;
    this.host.recovered();
  }

  private async recover(stage: SpeechStage | undefined): Promise<boolean> {
    if (this.downSince === null) {
      this.downSince = this.host.now();
      await this.host.down(stage);
    }
    if (await this.waitForWorker()) return true;
    this.host.lost(stage);
    return false;
  }

  private async waitForWorker(): Promise<boolean> {
    const left = this.host.timeoutMs - (this.host.now() - (this.downSince ?? this.host.now()));
    if (left <= 0 || this.host.signal.aborted) return false;
    const timeout = AbortSignal.any([this.host.signal, AbortSignal.timeout(Math.ceil(left))]);
    if (this.host.health === undefined) {
      await sleep(Math.min(this.host.retryMs, left), timeout);
      return !this.host.signal.aborted;
    }
    return this.host.health.waitUntilReady(timeout).then(
      () => !this.host.signal.aborted,
      () => false,
    );
  }
}
