import { AsyncQueue } from '@ai-secretary/protocol';
import { SpeechUnavailableError } from '../../errors.js';
import type { AudioChunk } from './audio.js';
import { synthesizeTo, type OutputChannel } from './output.js';
import type { TtsPort } from './ports.js';

export interface SpeakerContext {
  tts: TtsPort;
  output: OutputChannel;
  voice?: string;
  language?: string;
  now(): number;
  /** The TTS worker failed: apologise and wait. Resolves true to retry the clause. */
  onSpeechFailure(error: SpeechUnavailableError): Promise<boolean>;
  onSpeechOk(): void;
  onClause(text: string): void;
  onFirstAudio(): void;
  onError(error: unknown, text: string): void;
}

interface Clause {
  text: string;
  cached: AudioChunk[] | null;
  played: boolean;
}

/**
 * The TTS stage of one reply: clauses go in as soon as the chunker has them, are synthesized in
 * order while earlier ones play, and each is marked played when the transport has taken it.
 */
export class Speaker {
  readonly clauses: Clause[] = [];
  readonly timings = { ttsStartMs: null as number | null, ttsFirstChunkMs: null as number | null };
  /** Monotonic time the transport took this reply's first chunk. */
  firstPlayedMs: number | null = null;
  readonly done: Promise<void>;
  private readonly queue = new AsyncQueue<Clause>();
  private audioPushed = false;

  constructor(
    private readonly ctx: SpeakerContext,
    private readonly signal: AbortSignal,
  ) {
    signal.addEventListener('abort', () => this.queue.end(), { once: true });
    this.done = this.run();
  }

  say(text: string, cached: AudioChunk[] | null = null): void {
    const clause = { text, cached, played: false };
    this.clauses.push(clause);
    this.queue.push(clause);
  }

  /** No more clauses; `done` resolves once all were synthesized and queued for playback. */
  finish(): void {
    this.queue.end();
  }

  /** Resolves true when everything said so far has been played. */
  played(): Promise<boolean> {
    return this.ctx.output.mark();
  }

  get spokenText(): string {
    return this.clauses
      .filter((c) => c.played)
      .map((c) => c.text)
      .join(' ');
  }

  get fullText(): string {
    return this.clauses.map((c) => c.text).join(' ');
  }

  /** Clauses not (completely) played, the one cut off first. */
  get unplayed(): string[] {
    return this.clauses.filter((c) => !c.played).map((c) => c.text);
  }

  private async run(): Promise<void> {
    for await (const clause of this.queue) {
      if (this.signal.aborted) return;
      this.ctx.onClause(clause.text);
      if (clause.cached !== null) clause.cached.forEach((chunk) => this.push(chunk));
      else await this.synthesize(clause.text);
      if (this.signal.aborted) return;
      void this.ctx.output.mark().then((played) => (clause.played = played));
    }
  }

  private push(chunk: AudioChunk): void {
    if (this.signal.aborted) return;
    this.ctx.output.push(chunk);
    if (this.audioPushed) return;
    this.audioPushed = true;
    this.ctx.onFirstAudio();
    void this.ctx.output.mark().then((played) => {
      if (played) this.firstPlayedMs = this.ctx.now();
    });
  }

  private async synthesize(text: string): Promise<void> {
    for (;;) {
      try {
        await this.synthesizeOnce(text);
        this.ctx.onSpeechOk();
        return;
      } catch (error) {
        if (this.signal.aborted) return;
        if (!(error instanceof SpeechUnavailableError)) return this.ctx.onError(error, text);
        if (!(await this.ctx.onSpeechFailure(error))) return;
      }
    }
  }

  private async synthesizeOnce(text: string): Promise<void> {
    this.timings.ttsStartMs ??= this.ctx.now();
    const request = { text, voice: this.ctx.voice, language: this.ctx.language };
    for await (const chunk of synthesizeTo(this.ctx.tts, request, this.ctx.output.sampleRateHz, this.signal)) {
      this.timings.ttsFirstChunkMs ??= this.ctx.now();
      this.push(chunk);
    }
  }
}
