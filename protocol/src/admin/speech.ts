import { Type, type Static } from 'typebox';
import { StrictObject } from '../common.js';
import { Capabilities, EngineProblem, Voice } from '../workers/messages.js';
import { ModelStatus } from '../workers/models.js';
import { ChildStatus } from './processes.js';

/** Admin REST bodies for `/api/speech/*`. */

export const SpeechWorkerInfo = StrictObject({
  id: Type.String(),
  name: Type.String(),
  local: Type.Boolean(),
  /** The local worker's supervised status (`failed`: crash-looped); remote workers are `ready`. */
  state: ChildStatus,
  pid: Type.Union([Type.Integer(), Type.Null()]),
  capabilities: Type.Union([Capabilities, Type.Null()]),
  problems: Type.Array(EngineProblem),
  activeJobs: Type.Integer(),
  rssBytes: Type.Integer(),
  lastHeartbeatAt: Type.Union([Type.String(), Type.Null()]),
  restarts: Type.Integer(),
  lastExit: Type.Union([Type.String(), Type.Null()]),
});
export type SpeechWorkerInfo = Static<typeof SpeechWorkerInfo>;

export const SpeechWorkerList = StrictObject({ workers: Type.Array(SpeechWorkerInfo) });
export type SpeechWorkerList = Static<typeof SpeechWorkerList>;

export const SpeechModelList = StrictObject({ modelsDir: Type.String(), models: Type.Array(ModelStatus) });
export type SpeechModelList = Static<typeof SpeechModelList>;

export const SpeechVoiceList = StrictObject({ voices: Type.Array(Voice) });
export type SpeechVoiceList = Static<typeof SpeechVoiceList>;

export const TtsTestBody = StrictObject({
  text: Type.String({ minLength: 1, maxLength: 1000 }),
  voice: Type.String({ minLength: 1, maxLength: 128 }),
  speed: Type.Optional(Type.Number({ minimum: 0.25, maximum: 4 })),
});
export type TtsTestBody = Static<typeof TtsTestBody>;

export const TtsTestResult = StrictObject({
  sampleRateHz: Type.Integer(),
  durationMs: Type.Number(),
  firstChunkMs: Type.Number(),
  totalMs: Type.Number(),
  /** The audio as a base64 WAV, for the admin's player. */
  wavBase64: Type.String(),
});
export type TtsTestResult = Static<typeof TtsTestResult>;

export const SttTestBody = StrictObject({
  /** A WAV (or any format ffmpeg decodes), base64. */
  audioBase64: Type.String({ minLength: 1, maxLength: 8_000_000 }),
  language: Type.Optional(Type.String({ minLength: 2, maxLength: 16 })),
  model: Type.Optional(Type.String({ maxLength: 128 })),
});
export type SttTestBody = Static<typeof SttTestBody>;

export const SttTestResult = StrictObject({
  text: Type.String(),
  segments: Type.Array(StrictObject({ text: Type.String(), startMs: Type.Number(), endMs: Type.Number() })),
  audioMs: Type.Number(),
  totalMs: Type.Number(),
});
export type SttTestResult = Static<typeof SttTestResult>;

/** A model-set download started from the admin panel (`POST /api/speech/models/:name/download`). */
export const ModelDownloadView = StrictObject({
  name: Type.String(),
  state: Type.Union([Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  /** The file being fetched now (or last). */
  file: Type.Union([Type.String(), Type.Null()]),
  receivedBytes: Type.Integer({ minimum: 0 }),
  totalBytes: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  startedAt: Type.String(),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
});
export type ModelDownloadView = Static<typeof ModelDownloadView>;
export const ModelDownloadList = StrictObject({ items: Type.Array(ModelDownloadView) });
export type ModelDownloadList = Static<typeof ModelDownloadList>;
export const ModelNameParams = StrictObject({ name: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,127}$' }) });
