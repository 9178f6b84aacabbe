import type { AudioChunk, SttCapability, VadCapability, Voice } from '@ai-secretary/protocol';

/** One recognized utterance (STT) or one span of speech (VAD); times from the start of the input. */
export interface SpeechSegment {
  text?: string;
  startMs: number;
  endMs: number;
}

export interface SttOptions {
  language?: string;
  prompt?: string;
  signal: AbortSignal;
}

export interface SttEngine {
  readonly capability: SttCapability;
  /** Streams utterances as the engine finalizes them; input chunks must be at `capability.sampleRateHz`. */
  transcribe(audio: AsyncIterable<AudioChunk>, options: SttOptions): AsyncIterable<SpeechSegment>;
}

export interface TtsOptions {
  voice: string;
  speed?: number;
  signal: AbortSignal;
}

export interface TtsEngine {
  readonly name: string;
  readonly voices: Voice[];
  synthesize(text: string, options: TtsOptions): AsyncIterable<AudioChunk>;
}

export interface VadJobOptions {
  /** Called as soon as the VAD starts detecting speech (before the span closes); `startMs` on the input timeline. */
  onOnset?: (startMs: number) => void;
  /** Silence that closes a span (the engine's default otherwise). */
  minSilenceMs?: number;
  /** Speech needed before a span opens (the engine's default otherwise). */
  minSpeechMs?: number;
}

export interface VadEngine {
  readonly capability: VadCapability;
  segments(
    audio: AsyncIterable<AudioChunk>,
    signal: AbortSignal,
    options?: VadJobOptions,
  ): AsyncIterable<SpeechSegment>;
}

/** An engine refused a job because of what the caller sent (maps to a 400 at the API). */
export class BadSpeechInputError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'BadSpeechInputError';
    this.code = code;
  }
}

/** An engine could not be set up (missing or corrupt model, missing binary); reported in `hello.problems`. */
export class EngineSetupError extends Error {
  readonly code: string;
  readonly model: string | undefined;
  constructor(code: string, message: string, model?: string) {
    super(message);
    this.name = 'EngineSetupError';
    this.code = code;
    this.model = model;
  }
}
