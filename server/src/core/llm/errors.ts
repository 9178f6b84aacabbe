import { AppError } from '../../errors.js';

export class UnknownModelError extends AppError {
  constructor(model: string) {
    super('LLM_UNKNOWN_MODEL', `The model "${model}" does not exist or you do not have access to it`, {
      statusCode: 404,
    });
  }
}

export class LimitExceededError extends AppError {
  constructor(message: string) {
    super('LLM_LIMIT_EXCEEDED', message, { statusCode: 429, retryAfterS: 3600 });
  }
}

/** The provider refused the request itself (400/404/422): retrying elsewhere would not help. */
export class UpstreamRejectedError extends AppError {
  constructor(message: string, cause: unknown) {
    super('LLM_UPSTREAM_REJECTED', message, { statusCode: 400, cause });
  }
}

/** The stream broke after tokens were already delivered; it ends with this error, never silently. */
export class StreamFailedError extends AppError {
  constructor(provider: string, cause: unknown) {
    super('LLM_STREAM_FAILED', `The model provider "${provider}" stopped in the middle of the answer`, {
      statusCode: 502,
      cause,
    });
  }
}

export class ChatAbortedError extends AppError {
  constructor() {
    super('LLM_ABORTED', 'The request was cancelled', { statusCode: 499 });
  }
}
