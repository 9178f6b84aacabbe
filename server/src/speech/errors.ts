import { AppError } from '../errors.js';

/** The worker running a job went away mid-job; the caller may retry (the next job goes to a live worker). */
export class SpeechWorkerLostError extends AppError {
  constructor(workerId: string) {
    super('SPEECH_WORKER_LOST', 'The speech worker running this job stopped; retry', {
      statusCode: 503,
      retryable: true,
      retryAfterS: 1,
      details: { workerId },
    });
  }
}

/**
 * The worker running a job sent nothing for the job's idle deadline (after its input ended, or since its last
 * result); the job was cancelled there and its slot freed. Retryable: the worker may have been stalled.
 */
export class SpeechJobTimeoutError extends AppError {
  constructor(workerId: string, idleTimeoutMs: number) {
    super('SPEECH_JOB_TIMEOUT', 'The speech worker did not answer in time; retry', {
      statusCode: 504,
      retryable: true,
      retryAfterS: 1,
      details: { workerId, idleTimeoutMs },
    });
  }
}

/** The caller sent something the speech engines cannot take. */
export class SpeechInputError extends AppError {
  constructor(message: string, reason: string, param?: string) {
    super('SPEECH_BAD_INPUT', message, { statusCode: 400, details: { reason, ...(param ? { param } : {}) } });
  }
}

export class UnknownVoiceError extends AppError {
  constructor(voice: string) {
    super('VOICE_UNKNOWN', `Voice "${voice}" is not installed; GET /v1/audio/voices lists the installed ones`, {
      statusCode: 400,
    });
  }
}

export class AudioInvalidError extends AppError {
  constructor(message: string) {
    super('AUDIO_INVALID', message, { statusCode: 400 });
  }
}

export class SpeechEngineError extends AppError {
  constructor(code: string, retryable: boolean) {
    super('SPEECH_ENGINE_FAILED', 'The speech engine failed', {
      statusCode: 502,
      retryable,
      details: { engineCode: code },
    });
  }
}
