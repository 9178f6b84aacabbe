/**
 * The call's two clocks: the longest a call may last, and the silence after which the secretary
 * asks "are you still there?" (a few times, then the call ends).
 */
export class CallTimers {
  private silenceTimer: NodeJS.Timeout | null = null;
  private callTimer: NodeJS.Timeout | null = null;
  private silencePrompts = 0;

  constructor(private readonly o: { silencePromptMs: number; maxSilencePrompts: number; maxCallMs: number }) {}

  startCall(onTimeUp: () => void): void {
    this.callTimer = setTimeout(onTimeUp, this.o.maxCallMs);
  }

  /** (Re)starts the silence timer. */
  armSilence(onSilence: () => void): void {
    if (this.silenceTimer !== null) clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => {
      this.silenceTimer = null;
      onSilence();
    }, this.o.silencePromptMs);
  }

  /** The caller started speaking. */
  stopSilence(): void {
    if (this.silenceTimer !== null) clearTimeout(this.silenceTimer);
    this.silenceTimer = null;
  }

  /** The silence prompt will come unless the caller speaks first. */
  get silenceArmed(): boolean {
    return this.silenceTimer !== null;
  }

  /** The caller said something: the silence prompts start over. */
  heard(): void {
    this.silencePrompts = 0;
  }

  /** Counts a silence prompt; false once the caller has been asked often enough. */
  nextSilencePrompt(): boolean {
    return ++this.silencePrompts <= this.o.maxSilencePrompts;
  }

  clear(): void {
    if (this.silenceTimer !== null) clearTimeout(this.silenceTimer);
    if (this.callTimer !== null) clearTimeout(this.callTimer);
    this.silenceTimer = this.callTimer = null;
  }
}
