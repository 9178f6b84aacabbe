import { Type, type Static } from 'typebox';
import { StrictObject } from '../common.js';
import { HeartbeatMessage, WelcomeMessage, helloFields } from './link.js';

/** Control messages between the orchestrator and speech workers (JSON text frames; audio is binary). */

export const JobKind = Type.Union([Type.Literal('stt'), Type.Literal('tts'), Type.Literal('vad')]);
export type JobKind = Static<typeof JobKind>;

export const Voice = StrictObject({
  id: Type.String({ minLength: 1, maxLength: 128 }),
  engine: Type.String({ minLength: 1, maxLength: 64 }),
  language: Type.String({ minLength: 2, maxLength: 16 }),
  sampleRateHz: Type.Integer({ minimum: 8000, maximum: 48_000 }),
  name: Type.Optional(Type.String({ maxLength: 128 })),
});
export type Voice = Static<typeof Voice>;

export const SttCapability = StrictObject({
  engine: Type.String({ minLength: 1, maxLength: 64 }),
  /** Model id the engine runs (e.g. `pocketsphinx-en-us`, a manifest name for sherpa). */
  model: Type.String({ minLength: 1, maxLength: 128 }),
  languages: Type.Array(Type.String({ minLength: 2, maxLength: 16 }), { maxItems: 64 }),
  sampleRateHz: Type.Integer({ minimum: 8000, maximum: 48_000 }),
  streaming: Type.Boolean(),
});
export type SttCapability = Static<typeof SttCapability>;

export const VadCapability = StrictObject({
  engine: Type.String({ minLength: 1, maxLength: 64 }),
  sampleRateHz: Type.Integer({ minimum: 8000, maximum: 48_000 }),
});
export type VadCapability = Static<typeof VadCapability>;

export const EngineProblem = StrictObject({
  engine: Type.String({ maxLength: 64 }),
  model: Type.Optional(Type.String({ maxLength: 128 })),
  code: Type.String({ maxLength: 64 }),
  message: Type.String({ maxLength: 2000 }),
});
export type EngineProblem = Static<typeof EngineProblem>;

export const Capabilities = StrictObject({
  stt: Type.Array(SttCapability, { maxItems: 64 }),
  tts: Type.Array(Voice, { maxItems: 1024 }),
  vad: Type.Array(VadCapability, { maxItems: 8 }),
  device: Type.Union([Type.Literal('cpu'), Type.Literal('cuda')]),
  /** Jobs this worker runs at once. */
  capacity: Type.Integer({ minimum: 1, maximum: 256 }),
});
export type Capabilities = Static<typeof Capabilities>;

// Worker -> orchestrator

/**
 * A speech worker's hello. `kind` may be left out: workers from before kinds existed (remote machines not yet
 * updated) still join; a hello without it is a speech worker's.
 */
export const HelloMessage = StrictObject({
  ...helloFields,
  kind: Type.Optional(Type.Literal('speech-worker')),
  capabilities: Capabilities,
  problems: Type.Array(EngineProblem, { maxItems: 64 }),
});
export type HelloMessage = Static<typeof HelloMessage>;

/** First message of a TTS job's output: the format of the binary frames that follow. */
export const AudioFormatMessage = StrictObject({
  type: Type.Literal('job.audio-format'),
  jobId: Type.String({ minLength: 1, maxLength: 64 }),
  sampleRateHz: Type.Integer({ minimum: 8000, maximum: 48_000 }),
  channels: Type.Integer({ minimum: 1, maximum: 2 }),
});
export type AudioFormatMessage = Static<typeof AudioFormatMessage>;

export const SegmentMessage = StrictObject({
  type: Type.Literal('job.segment'),
  jobId: Type.String({ minLength: 1, maxLength: 64 }),
  /** STT: recognized text of one utterance; VAD: absent. */
  text: Type.Optional(Type.String({ maxLength: 100_000 })),
  startMs: Type.Number({ minimum: 0 }),
  endMs: Type.Number({ minimum: 0 }),
});
export type SegmentMessage = Static<typeof SegmentMessage>;

/**
 * VAD jobs started with `vad.onsets`: silero has just begun to detect speech (sent as soon as it does,
 * long before the span closes). `startMs` is where the speech began on the input timeline.
 */
export const SpeechOnsetMessage = StrictObject({
  type: Type.Literal('job.speech-onset'),
  jobId: Type.String({ minLength: 1, maxLength: 64 }),
  startMs: Type.Number({ minimum: 0 }),
});
export type SpeechOnsetMessage = Static<typeof SpeechOnsetMessage>;

export const JobDoneMessage = StrictObject({
  type: Type.Literal('job.done'),
  jobId: Type.String({ minLength: 1, maxLength: 64 }),
});
export type JobDoneMessage = Static<typeof JobDoneMessage>;

export const JobErrorMessage = StrictObject({
  type: Type.Literal('job.error'),
  jobId: Type.String({ minLength: 1, maxLength: 64 }),
  code: Type.String({ maxLength: 64 }),
  message: Type.String({ maxLength: 2000 }),
  retryable: Type.Boolean(),
  /** true when the caller sent something the engine cannot take (maps to a 400). */
  badInput: Type.Boolean(),
});
export type JobErrorMessage = Static<typeof JobErrorMessage>;

/**
 * `job.error` code for a job message the worker could not accept (it failed the schema or the worker's
 * limits); sent with `badInput: true`, so the job ends as a 400 instead of waiting for an answer.
 */
export const INVALID_JOB = 'INVALID_JOB';

export const WorkerMessage = Type.Union([
  HelloMessage,
  HeartbeatMessage,
  AudioFormatMessage,
  SegmentMessage,
  SpeechOnsetMessage,
  JobDoneMessage,
  JobErrorMessage,
]);
export type WorkerMessage = Static<typeof WorkerMessage>;

// Orchestrator -> worker

export const VadJobSettings = StrictObject({
  /** Also send `job.speech-onset` as soon as speech starts (spans alone arrive only after it ends). */
  onsets: Type.Optional(Type.Boolean()),
  /** Silence that closes a span (silero: 300 ms). */
  minSilenceMs: Type.Optional(Type.Integer({ minimum: 32, maximum: 5000 })),
  /** Speech needed before a span opens, i.e. before its onset is reported (silero: 250 ms). */
  minSpeechMs: Type.Optional(Type.Integer({ minimum: 32, maximum: 5000 })),
});
export type VadJobSettings = Static<typeof VadJobSettings>;

/** The longest STT prompt a worker takes; the HTTP edge checks the same limit. */
export const MAX_STT_PROMPT_CHARS = 4000;

export const JobStartMessage = StrictObject({
  type: Type.Literal('job.start'),
  jobId: Type.String({ minLength: 1, maxLength: 64 }),
  kind: JobKind,
  engine: Type.String({ minLength: 1, maxLength: 64 }),
  /** STT: model; TTS: voice id. */
  model: Type.Optional(Type.String({ maxLength: 128 })),
  language: Type.Optional(Type.String({ maxLength: 16 })),
  /** TTS input text. */
  text: Type.Optional(Type.String({ maxLength: 100_000 })),
  speed: Type.Optional(Type.Number({ minimum: 0.25, maximum: 4 })),
  /** STT / VAD: format of the binary frames the orchestrator will send. */
  sampleRateHz: Type.Optional(Type.Integer({ minimum: 8000, maximum: 48_000 })),
  prompt: Type.Optional(Type.String({ maxLength: MAX_STT_PROMPT_CHARS })),
  /** VAD only: live turn-taking settings (the engine's defaults otherwise). */
  vad: Type.Optional(VadJobSettings),
});
export type JobStartMessage = Static<typeof JobStartMessage>;

/** No more audio frames will follow for this job. */
export const JobInputEndMessage = StrictObject({
  type: Type.Literal('job.input-end'),
  jobId: Type.String({ minLength: 1, maxLength: 64 }),
});
export type JobInputEndMessage = Static<typeof JobInputEndMessage>;

export const JobCancelMessage = StrictObject({
  type: Type.Literal('job.cancel'),
  jobId: Type.String({ minLength: 1, maxLength: 64 }),
});
export type JobCancelMessage = Static<typeof JobCancelMessage>;

export const OrchestratorMessage = Type.Union([WelcomeMessage, JobStartMessage, JobInputEndMessage, JobCancelMessage]);
export type OrchestratorMessage = Static<typeof OrchestratorMessage>;
