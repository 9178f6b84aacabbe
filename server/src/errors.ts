/** Machine-readable error codes. Later modules extend this union in one place. */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'BAD_JSON'
  | 'BODY_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'MALFORMED_BODY'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'AUTH_REQUIRED'
  | 'AUTH_INVALID_TOKEN'
  | 'AUTH_INVALID_CREDENTIALS'
  | 'AUTH_SESSION_REVOKED'
  | 'AUTH_USER_DISABLED'
  | 'AUTH_THROTTLED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'API_KEY_INVALID'
  | 'CONFIG_INVALID'
  | 'SECRET_MISSING'
  | 'SECRET_MISMATCH'
  | 'SECRET_DECRYPT_FAILED'
  | 'LAST_ADMIN'
  | 'UPSTREAM_ERROR'
  | 'TRANSPORT_ERROR'
  | 'INTERNAL'
  | 'LLM_UNKNOWN_MODEL'
  | 'LLM_UNAVAILABLE'
  | 'LLM_LIMIT_EXCEEDED'
  | 'LLM_UPSTREAM_REJECTED'
  | 'LLM_STREAM_FAILED'
  | 'LLM_ABORTED'
  // speech (issue 4)
  | 'SPEECH_WORKER_LOST'
  | 'SPEECH_JOB_TIMEOUT'
  | 'SPEECH_UNAVAILABLE'
  | 'SPEECH_BAD_INPUT'
  | 'SPEECH_ENGINE_FAILED'
  | 'AUDIO_INVALID'
  | 'VOICE_UNKNOWN'
  // GSM (issue 6)
  | 'GSM_AT_ERROR'
  | 'GSM_AT_TIMEOUT'
  | 'GSM_UNAVAILABLE'
  | 'GSM_BUSY'
  | 'GSM_NO_CARRIER'
  // voice (issue 5)
  | 'VOICE_BAD_AUDIO'
  | 'VOICE_BAD_MESSAGE'
  | 'VOICE_UNAVAILABLE'
  | 'WIDGET_TOKEN_INVALID'
  | 'WIDGET_ORIGIN_FORBIDDEN'
  | 'WIDGET_RATE_LIMITED'
  | 'WIDGET_MESSAGE_TOO_LONG'
  // state machines and child processes (issue 11)
  | 'STATE_TIMEOUT'
  | 'STATE_WAIT_ABORTED'
  // outbound requests (issue 19)
  | 'OUTBOUND_BLOCKED'
  // Telegram bots (issue 12)
  | 'TELEGRAM_TOKEN_REJECTED'
  | 'TELEGRAM_UNREACHABLE'
  | 'TELEGRAM_WEBHOOK_SECRET'
  | 'BROADCAST_NOT_DRAFT'
  | 'BROADCAST_NOT_TESTED'
  | 'BROADCAST_RUNNING'
  | 'BROADCAST_FINISHED'
  | 'DISCORD_TOKEN_REJECTED'
  | 'DISCORD_UNREACHABLE'
  // Telegram sales funnel (issue 13)
  | 'TELEGRAM_FUNNEL_INVALID'
  | 'TELEGRAM_FUNNEL_NO_DRAFT'
  // Discord voice (issue 15)
  | 'DISCORD_BOT_NOT_RUNNING'
  // knowledge base (issue 17)
  | 'KNOWLEDGE_BAD_INPUT'
  | 'KNOWLEDGE_TOO_LARGE'
  | 'HTTP_TOOL_BAD_DEFINITION'
  // backup and restore (issue 18)
  | 'BACKUP_INVALID'
  | 'BACKUP_SCHEMA_NEWER'
  | 'RESTORE_TARGET_NOT_EMPTY'
  // payments (issue 13)
  | 'PAYMENT_NOT_CONFIGURED'
  | 'PAYMENT_SIGNATURE_INVALID'
  | 'PAYMENT_NOT_REFUNDABLE';

export interface AppErrorOptions {
  statusCode?: number;
  retryable?: boolean;
  cause?: unknown;
  /** Extra machine-readable facts (never shown for 5xx). */
  details?: Record<string, unknown>;
  /** Seconds a client should wait before retrying (sets Retry-After). */
  retryAfterS?: number;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;
  readonly retryAfterS: number | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.statusCode = options.statusCode ?? 500;
    this.retryable = options.retryable ?? false;
    this.details = options.details;
    this.retryAfterS = options.retryAfterS;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, options: AppErrorOptions = {}) {
    super('VALIDATION_FAILED', message, { statusCode: 400, ...options });
  }
}

/** The body does not parse in the format it declares (a multipart body cut short, without a boundary, …). */
export class MalformedBodyError extends AppError {
  constructor(format: string, cause: unknown) {
    const reason = cause instanceof Error ? `: ${cause.message}` : '';
    super('MALFORMED_BODY', `The ${format} body could not be read${reason}`, { statusCode: 400, cause });
  }
}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super('NOT_FOUND', `${what} not found`, { statusCode: 404 });
  }
}

export class ConflictError extends AppError {
  constructor(message: string, code: ErrorCode = 'CONFLICT') {
    super(code, message, { statusCode: 409 });
  }
}

export class AuthError extends AppError {
  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(code, message, { statusCode: 401, ...options });
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'You are not allowed to do this') {
    super('FORBIDDEN', message, { statusCode: 403 });
  }
}

export class RateLimitError extends AppError {
  constructor(code: ErrorCode, message: string, retryAfterS: number) {
    super(code, message, { statusCode: 429, retryAfterS, retryable: true });
  }
}

/** The remote service answered, and said no (4xx/5xx from a provider). */
export class UpstreamError extends AppError {
  constructor(message: string, options: AppErrorOptions = {}) {
    super('UPSTREAM_ERROR', message, { statusCode: 502, ...options });
  }
}

/** The remote service could not be reached (refused, reset, timed out). */
export class TransportError extends AppError {
  constructor(message: string, options: AppErrorOptions = {}) {
    super('TRANSPORT_ERROR', message, { statusCode: 503, retryable: true, ...options });
  }
}

/** A server-side request aimed at a refused address or scheme (loopback, private, link-local, file:, …). */
export class OutboundBlockedError extends AppError {
  constructor(message: string, options: AppErrorOptions = {}) {
    super('OUTBOUND_BLOCKED', message, { statusCode: 400, ...options });
  }
}

export class ConfigError extends AppError {
  constructor(message: string) {
    super('CONFIG_INVALID', message, { statusCode: 500 });
  }
}

/** How one LLM provider attempt failed (`ProviderFailure.kind`). */
export type FailureKind =
  'connection' | 'timeout' | 'rate_limited' | 'server_error' | 'auth' | 'bad_request' | 'aborted';

/** One LLM provider attempt, as reported in errors, usage and logs. */
export interface AttemptReport {
  provider: string;
  model: string;
  outcome: 'ok' | 'skipped_cooldown' | 'skipped_busy' | 'skipped_not_local' | FailureKind;
  durationMs: number;
  status?: number;
}

/**
 * No language model can answer: every provider of the route failed or is cooling down, or none is
 * configured. `/v1` answers 503; the voice engine switches the call to degraded mode (FAQ, then a
 * scripted message-taking dialogue).
 */
export class LlmUnavailableError extends AppError {
  /** The router's provider attempts, in order. */
  readonly attempts: AttemptReport[];
  constructor(
    attempts: AttemptReport[] = [],
    message = 'No language model provider is available right now; try again shortly',
  ) {
    super('LLM_UNAVAILABLE', message, {
      statusCode: 503,
      retryable: true,
      retryAfterS: 5,
      details: { attempts },
    });
    this.attempts = attempts;
  }
}

/** The part of a voice call a speech worker serves. */
export type SpeechStage = 'vad' | 'stt' | 'tts';

/**
 * No speech worker can do the job: none connected offers it, all are busy, or (in a voice call, with
 * `stage`) the worker behind that stage is down, crashed or restarting. The voice engine apologises
 * and waits for a worker.
 */
export class SpeechUnavailableError extends AppError {
  /** Set by the voice engine's speech ports. */
  readonly stage: SpeechStage | undefined;
  constructor(message: string, options: { stage?: SpeechStage; cause?: unknown } = {}) {
    super('SPEECH_UNAVAILABLE', message, {
      statusCode: 503,
      retryable: true,
      retryAfterS: 2,
      cause: options.cause,
      ...(options.stage === undefined ? {} : { details: { stage: options.stage } }),
    });
    this.stage = options.stage;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** The modem answered a command with ERROR / +CME ERROR / +CMS ERROR (the remote said no). */
export class GsmAtError extends AppError {
  constructor(message: string, options: AppErrorOptions = {}) {
    super('GSM_AT_ERROR', message, { statusCode: 502, ...options });
  }
}

/** The modem is absent, resetting or did not answer in time (could not reach it). */
export class GsmUnavailableError extends AppError {
  constructor(message: string, code: 'GSM_UNAVAILABLE' | 'GSM_AT_TIMEOUT' | 'GSM_BUSY' = 'GSM_UNAVAILABLE') {
    super(code, message, { statusCode: 503, retryable: true });
  }
}

/** A state machine did not reach the awaited status in time (`entersState` with a timeout). */
export class StateTimeoutError extends AppError {
  constructor(
    readonly awaited: string,
    readonly current: string,
    timeoutMs: number | undefined,
  ) {
    const within = timeoutMs === undefined ? 'in time' : `within ${timeoutMs} ms`;
    super('STATE_TIMEOUT', `Did not become ${awaited} ${within} (now ${current})`, {
      statusCode: 503,
      retryable: true,
      details: { awaited, current, timeoutMs },
    });
  }
}

/** The caller gave up waiting for a status (`entersState` with an AbortSignal that fired). */
export class StateWaitAbortedError extends AppError {
  constructor(
    readonly awaited: string,
    readonly current: string,
    cause: unknown,
  ) {
    super('STATE_WAIT_ABORTED', `Stopped waiting for ${awaited} (now ${current})`, {
      statusCode: 503,
      retryable: true,
      cause,
      details: { awaited, current },
    });
  }
}

/** Telegram refused a bot token (getMe answered 401/404): it is wrong or was revoked in @BotFather. */
export class TelegramTokenError extends AppError {
  constructor(description: string) {
    super(
      'TELEGRAM_TOKEN_REJECTED',
      `Telegram refused this bot token (${description}); copy it again from @BotFather`,
      {
        statusCode: 400,
        details: { field: 'token' },
      },
    );
  }
}

/** The Bot API server (TELEGRAM_API_ROOT) did not answer or answered with a server error. */
export class TelegramUnreachableError extends AppError {
  constructor(cause: unknown) {
    super('TELEGRAM_UNREACHABLE', 'The Telegram Bot API could not be reached; try again shortly', {
      statusCode: 502,
      retryable: true,
      cause,
    });
  }
}

/** Discord refused a bot token (GET /users/@me answered 401): it is wrong or was reset in the developer portal. */
export class DiscordTokenError extends AppError {
  constructor(description: string) {
    super('DISCORD_TOKEN_REJECTED', `Discord refused this bot token (${description}); copy it again from the portal`, {
      statusCode: 400,
      details: { field: 'token' },
    });
  }
}

/** Discord's REST API (DISCORD_API_ROOT) did not answer or answered with a server error. */
export class DiscordUnreachableError extends AppError {
  constructor(cause: unknown) {
    super('DISCORD_UNREACHABLE', 'The Discord API could not be reached; try again shortly', {
      statusCode: 502,
      retryable: true,
      cause,
    });
  }
}

/** A voice join/leave for a bot whose process is not connected to Discord (stopped, starting, crashed). */
export class DiscordBotNotRunningError extends AppError {
  constructor(botId: string) {
    super('DISCORD_BOT_NOT_RUNNING', 'This bot is not running; start it first', {
      statusCode: 409,
      retryable: true,
      details: { botId },
    });
  }
}

/** A webhook call without the bot's `X-Telegram-Bot-Api-Secret-Token` (or with another one). */
export class TelegramWebhookSecretError extends AppError {
  constructor() {
    super('TELEGRAM_WEBHOOK_SECRET', 'Missing or wrong X-Telegram-Bot-Api-Secret-Token', { statusCode: 401 });
  }
}

// --- LLM router (was core/llm/errors.ts) ---

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

// --- speech (was speech/errors.ts) ---

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

/** A document the knowledge base cannot take (empty, not what its extension says, unknown kind). */
export class KnowledgeInputError extends AppError {
  constructor(message: string, reason: string, statusCode = 400) {
    super('KNOWLEDGE_BAD_INPUT', message, { statusCode, details: { reason } });
  }
}

/** An uploaded document over `KNOWLEDGE_MAX_UPLOAD_BYTES`. */
export class KnowledgeTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super('KNOWLEDGE_TOO_LARGE', `The file is larger than the ${limitBytes}-byte limit`, {
      statusCode: 413,
      details: { limitBytes },
    });
  }
}

/** An HTTP tool definition the admin must fix: a bad JSON Schema, URL template or header (docs/http-tools.md). */
export class HttpToolDefinitionError extends AppError {
  constructor(message: string, reason: string) {
    super('HTTP_TOOL_BAD_DEFINITION', message, { statusCode: 400, details: { reason } });
  }
}

/** A backup archive that cannot be restored: corrupted, truncated, incomplete, or from newer code. */
export class BackupInvalidError extends AppError {
  constructor(code: 'BACKUP_INVALID' | 'BACKUP_SCHEMA_NEWER', message: string, cause?: unknown) {
    super(code, message, { statusCode: 400, cause });
  }
}

/** The restore target already holds an install (users, or other keys); `--force` replaces it. */
export class RestoreTargetNotEmptyError extends AppError {
  constructor(message: string) {
    super('RESTORE_TARGET_NOT_EMPTY', message, { statusCode: 409 });
  }
}

/** A widget token used from a page whose Origin is not on the token's allow-list (or with no Origin at all). */
export class WidgetOriginError extends AppError {
  constructor() {
    super('WIDGET_ORIGIN_FORBIDDEN', 'This widget is not allowed on this website', { statusCode: 403 });
  }
}

/** A widget visitor's message above WIDGET_MAX_MESSAGE_CHARS. */
export class WidgetMessageTooLongError extends AppError {
  constructor(maxChars: number) {
    super('WIDGET_MESSAGE_TOO_LONG', `Messages are limited to ${maxChars} characters`, {
      statusCode: 413,
      details: { maxChars },
    });
  }
}

/** A funnel definition that cannot be walked (a step that does not exist, a loop of branches, …); every problem listed. */
export class FunnelInvalidError extends AppError {
  constructor(problems: string[]) {
    super('TELEGRAM_FUNNEL_INVALID', `The funnel is not valid: ${problems.join('; ')}`, {
      statusCode: 400,
      details: { problems },
    });
  }
}

/** Publish asked for with nothing new to publish. */
export class FunnelNoDraftError extends AppError {
  constructor() {
    super('TELEGRAM_FUNNEL_NO_DRAFT', 'There is no draft to publish: save the funnel first', { statusCode: 409 });
  }
}

/** A payment notification for a bot that has no secret to check it with: every one is refused. */
export class PaymentNotConfiguredError extends AppError {
  constructor(message: string) {
    super('PAYMENT_NOT_CONFIGURED', message, { statusCode: 403 });
  }
}

/** A payment notification whose signature (YooMoney's `sha1_hash`) does not match: not from the provider. */
export class PaymentSignatureError extends AppError {
  constructor() {
    super('PAYMENT_SIGNATURE_INVALID', 'The notification signature does not match', { statusCode: 403 });
  }
}

/** A refund of a payment that cannot be refunded here (refunded already, not in Stars, underpaid). */
export class PaymentNotRefundableError extends AppError {
  constructor(message: string) {
    super('PAYMENT_NOT_REFUNDABLE', message, { statusCode: 409 });
  }
}
