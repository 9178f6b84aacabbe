import type { AudioChunk, SttCapability, Voice } from '@ai-secretary/protocol';

/** One recognized utterance, times relative to the start of the input audio. */
export interface TranscriptSegment {
  text: string;
  startMs: number;
  endMs: number;
}

export interface SpeechSpan {
  startMs: number;
  endMs: number;
}

/** Live VAD: `onset` as soon as speech is detected, then its `span` once it ends. */
export type VadStreamEvent = { type: 'onset'; startMs: number } | ({ type: 'span' } & SpeechSpan);

export interface VadStreamOptions {
  signal?: AbortSignal;
  /** Silence that closes a span (the engine's default otherwise; silero 300 ms). */
  minSilenceMs?: number;
  /** Speech needed before a span opens and its onset is reported (silero 250 ms). */
  minSpeechMs?: number;
}

export interface TranscribeOptions {
  /** ISO 639-1 language (`en`, `ru`); picks an engine that knows it. */
  language?: string;
  /** A model id or engine name from `sttModels()`; other values fall back to routing by language. */
  model?: string;
  prompt?: string;
  signal?: AbortSignal;
}

export interface SynthesizeOptions {
  voice: string;
  speed?: number;
  signal?: AbortSignal;
}

/**
 * Speech for the rest of the product (the voice engine, /v1/audio, the admin): every call is one job
 * on a worker process. Failures are AppErrors: `SPEECH_WORKER_LOST` (retryable, the worker died
 * mid-job), `SPEECH_UNAVAILABLE`, `SPEECH_BAD_INPUT`/`VOICE_UNKNOWN` (400), `SPEECH_ENGINE_FAILED`,
 * `SPEECH_JOB_TIMEOUT` (504, retryable: the worker sent nothing for the job's idle deadline; the job was
 * cancelled and its slot freed).
 */
export interface SpeechService {
  /** Streams utterances while audio is still coming in (chunks at the engine's rate, see `sttModels()`). */
  transcribeStream(audio: AsyncIterable<AudioChunk>, options?: TranscribeOptions): AsyncIterable<TranscriptSegment>;
  /** Yields audio chunks as they are synthesized. */
  synthesize(text: string, options: SynthesizeOptions): AsyncIterable<AudioChunk>;
  /** Speech spans (silero VAD, 16 kHz mono input). */
  vad(audio: AsyncIterable<AudioChunk>, options?: { signal?: AbortSignal }): AsyncIterable<SpeechSpan>;
  /** Speech onsets and spans as the VAD finds them (for barge-in and turn-taking). */
  vadStream(audio: AsyncIterable<AudioChunk>, options?: VadStreamOptions): AsyncIterable<VadStreamEvent>;
  voices(): Voice[];
  sttModels(): SttCapability[];
}
