import { AppError, type AppErrorOptions } from '../../errors.js';

/**
 * Every LLM provider failed or none is configured. The engine switches the call to degraded mode
 * (FAQ, then a scripted message-taking dialogue). Other errors from the LLM port count as a failed
 * turn only.
 */
export class LlmUnavailableError extends AppError {
  constructor(message = 'No LLM provider is available', options: AppErrorOptions = {}) {
    super('LLM_UNAVAILABLE', message, { statusCode: 503, retryable: true, ...options });
  }
}

export type SpeechStage = 'vad' | 'stt' | 'tts';

/** The speech worker behind VAD, STT or TTS is down (crashed, restarting, unreachable). */
export class SpeechUnavailableError extends AppError {
  readonly stage: SpeechStage;

  constructor(stage: SpeechStage, message = `The ${stage} engine is unavailable`, options: AppErrorOptions = {}) {
    super('SPEECH_UNAVAILABLE', message, { statusCode: 503, retryable: true, details: { stage }, ...options });
    this.stage = stage;
  }
}

export function isLlmUnavailable(error: unknown): error is LlmUnavailableError {
  return error instanceof AppError && error.code === 'LLM_UNAVAILABLE';
}

export function isSpeechUnavailable(error: unknown): error is SpeechUnavailableError {
  return error instanceof AppError && error.code === 'SPEECH_UNAVAILABLE';
}

export function isAbort(error: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted === true) return true;
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'APIUserAbortError');
}
