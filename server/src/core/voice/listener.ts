import { AsyncQueue } from '@ai-secretary/protocol';
import { SpeechUnavailableError } from '../../errors.js';
import { convertStream, durationMs, ENGINE_RATE_HZ, type AudioChunk } from './audio.js';
import { createEndpointer, type EndpointEvent, type EndpointingOptions } from './endpointing.js';
import type { SttPort, VadPort } from './ports.js';

export interface UserTurn {
  busyAtStart: boolean;
  /** Long enough to count as speech (always true when the secretary was silent). */
  accepted: boolean;
  audio: AsyncQueue<AudioChunk>;
  recorded: AudioChunk[];
  abort: AbortController;
  ended: Promise<void>;
  end: () => void;
  /** The final transcript; '' for no words or a discarded turn. Never rejects. */
  transcript: Promise<string>;
  speechEndWallMs: number;
  endpointWallMs: number;
}

/** What the listener needs from its session. */
export interface ListenerHost {
  vad: VadPort;
  stt: SttPort;
  language?: string;
  endpointing: EndpointingOptions;
  prerollMs: number;
  bargeInMinSpeechMs: number;
  minSpeechMs: number;
  signal: AbortSignal;
  now(): number;
  /** The session ended or is saying goodbye: ignore the caller. */
  closing(): boolean;
  /** The secretary is thinking or speaking. */
  busy(): boolean;
  turnStarted(busy: boolean): void;
  bargeIn(voicedMs: number): void;
  /** An accepted turn ended; its transcript is on its way. */
  turnEnded(turn: UserTurn): void;
  /** A discarded sound (cough, click) ended. */
  noiseEnded(): void;
  partial(text: string): void;
  speechTrouble(error: SpeechUnavailableError): Promise<boolean>;
  speechOk(): void;
  inputEnded(): void;
  /** VAD broke for good: the call cannot go on. */
  failed(error: unknown, message: string): void;
  /** One turn's transcription failed (not a worker outage). */
  sttFailed(error: unknown): void;
}

/** The caller side: input → VAD → endpointing → turns with streaming STT, barge-in decisions. */
export class CallerListener {
  private readonly endpointer;
  private readonly ring: Array<{ startMs: number; endMs: number; wallMs: number; chunk: AudioChunk }> = [];
  private positionMs = 0;
  private turn: UserTurn | null = null;
  private vadDown = false;
  private vadRun = new AbortController();
  /** When the VAD last took a chunk; null while the tap waits for the caller's audio. */
  private handedAtMs: number | null = null;

  constructor(private readonly host: ListenerHost) {
    this.endpointer = createEndpointer({ ...host.endpointing, vadLagMs: host.vad.lagMs ?? 0 });
  }

  /** The caller's turn in progress, if any. */
  get current(): UserTurn | null {
    return this.turn;
  }

  /** How long the VAD has held audio without asking for more (0 while the caller's line is quiet). */
  get vadIdleMs(): number {
    return this.handedAtMs === null ? 0 : this.host.now() - this.handedAtMs;
  }

  /**
   * Drops the VAD run in progress (stuck, the watchdog says) and starts a new one on the same line.
   * Returns true when the caller's turn in progress was handed on to be answered.
   */
  restart(): boolean {
    this.vadRun.abort();
    return this.cutTurn();
  }

  async run(input: AsyncIterable<AudioChunk>): Promise<void> {
    const source = convertStream(input, ENGINE_RATE_HZ)[Symbol.asyncIterator]();
    while (!this.host.signal.aborted) {
      const run = (this.vadRun = new AbortController());
      this.handedAtMs = null;
      const signal = AbortSignal.any([this.host.signal, run.signal]);
      const startMs = this.positionMs; // a VAD run counts from its own start
      try {
        for await (const event of untilAborted(this.host.vad.detect(this.tap(source, signal), signal), signal)) {
          this.dispatch(this.endpointer.vad({ ...event, atMs: event.atMs + startMs }));
        }
        if (!run.signal.aborted) return this.host.inputEnded();
      } catch (error) {
        if (this.host.signal.aborted) return;
        if (run.signal.aborted) continue;
        if (!(error instanceof SpeechUnavailableError)) return this.host.failed(error, 'voice: VAD failed');
        this.vadDown = true;
        if (!(await this.host.speechTrouble(error))) return;
        this.cutTurn(); // the new VAD starts from silence and would never end the turn it did not see begin
      }
    }
  }

  /** Records each chunk, feeds the turn in progress, and runs the endpointer clock. */
  private async *tap(source: AsyncIterator<AudioChunk>, signal: AbortSignal): AsyncIterable<AudioChunk> {
    for (;;) {
      this.dispatch(this.endpointer.audio(this.positionMs));
      this.handedAtMs = null;
      const next: IteratorResult<AudioChunk> = await source.next();
      if (next.done === true || signal.aborted) return;
      this.handedAtMs = this.host.now();
      const chunk = next.value;
      const startMs = this.positionMs;
      this.positionMs += durationMs(chunk);
      this.ring.push({ startMs, endMs: this.positionMs, wallMs: this.host.now(), chunk });
      while (this.ring.length > 0 && this.ring[0]!.endMs < this.positionMs - 3000) this.ring.shift();
      if (this.turn !== null) feed(this.turn, chunk);
      yield chunk;
      // Asking for more means the VAD took a chunk: only now is it back (not when it merely started).
      if (this.vadDown) {
        this.vadDown = false;
        this.host.speechOk();
      }
    }
  }

  private dispatch(events: EndpointEvent[]): void {
    for (const event of events) {
      switch (event.type) {
        case 'turn_start':
          this.onTurnStart(event.atMs);
          break;
        case 'speech_progress':
          this.onSpeechProgress(event.voicedMs);
          break;
        case 'turn_end':
          this.onTurnEnd(event);
          break;
      }
    }
  }

  private onTurnStart(atMs: number): void {
    if (this.host.closing()) return;
    let end!: () => void;
    const ended = new Promise<void>((resolve) => (end = resolve));
    const busy = this.host.busy();
    const turn: UserTurn = {
      busyAtStart: busy,
      accepted: !busy,
      audio: new AsyncQueue<AudioChunk>(),
      recorded: [],
      abort: new AbortController(),
      ended,
      end,
      transcript: Promise.resolve(''),
      speechEndWallMs: 0,
      endpointWallMs: 0,
    };
    this.turn = turn;
    for (const entry of this.ring) if (entry.endMs > atMs - this.host.prerollMs) feed(turn, entry.chunk);
    turn.transcript = this.transcribe(turn);
    this.host.turnStarted(busy);
  }

  private onSpeechProgress(voicedMs: number): void {
    const turn = this.turn;
    if (turn === null || turn.accepted || voicedMs < this.host.bargeInMinSpeechMs) return;
    turn.accepted = true;
    if (this.host.busy() && !this.host.closing()) this.host.bargeIn(voicedMs);
  }

  private onTurnEnd(event: Extract<EndpointEvent, { type: 'turn_end' }>): void {
    this.closeTurn(this.wallAt(event.speechEndMs), event.voicedMs >= this.host.minSpeechMs);
  }

  /** A new VAD run: the turn in progress ends where the audio is now; its words are still answered. */
  private cutTurn(): boolean {
    this.endpointer.reset();
    return this.closeTurn(this.host.now(), true);
  }

  /** Ends the turn in progress; true when it was handed on as a caller turn. */
  private closeTurn(speechEndWallMs: number, longEnough: boolean): boolean {
    const turn = this.turn;
    if (turn === null) return false;
    this.turn = null;
    turn.audio.end();
    turn.end();
    turn.speechEndWallMs = speechEndWallMs;
    turn.endpointWallMs = this.host.now();
    if (!turn.accepted || !longEnough) {
      turn.abort.abort(); // a cough or click: not a turn
      this.host.noiseEnded();
      return false;
    }
    this.host.turnEnded(turn);
    return true;
  }

  /** When the audio at `positionMs` arrived (monotonic clock). */
  private wallAt(positionMs: number): number {
    const entry = this.ring.find((e) => e.startMs <= positionMs && positionMs < e.endMs);
    return entry?.wallMs ?? this.host.now() - (this.positionMs - positionMs);
  }

  private async transcribe(turn: UserTurn): Promise<string> {
    let audio: AsyncIterable<AudioChunk> = turn.audio;
    for (;;) {
      try {
        let final = '';
        for await (const event of this.host.stt.transcribe(
          { audio, language: this.host.language },
          turn.abort.signal,
        )) {
          if (event.type === 'final') final = event.text;
          else this.host.partial(event.text);
        }
        this.host.speechOk();
        return final.trim();
      } catch (error) {
        if (turn.abort.signal.aborted || this.host.signal.aborted) return '';
        if (!(error instanceof SpeechUnavailableError)) return (this.host.sttFailed(error), '');
        if (!(await this.host.speechTrouble(error))) return '';
        await turn.ended;
        audio = fromArray(turn.recorded); // the caller's words are not lost: transcribe them again
      }
    }
  }
}

function feed(turn: UserTurn, chunk: AudioChunk): void {
  turn.recorded.push(chunk);
  turn.audio.push(chunk);
}

async function* fromArray<T>(items: T[]): AsyncIterable<T> {
  yield* items;
}

/** Iterates `source` until `signal` aborts, even when the source hangs and ignores the signal. */
async function* untilAborted<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncIterable<T> {
  const iterator = source[Symbol.asyncIterator]();
  const aborted = new Promise<IteratorResult<T>>((resolve) => {
    const stop = () => resolve({ done: true, value: undefined });
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted]);
      if (next.done === true) return;
      yield next.value;
    }
  } finally {
    if (signal.aborted) void iterator.return?.()?.catch(() => undefined);
  }
}
