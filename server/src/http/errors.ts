import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

export interface NormalizedError {
  statusCode: number;
  code: string;
  message: string;
  retryAfterS?: number | undefined;
  /** For validation errors: the offending field (OpenAI's `param`). */
  param?: string | undefined;
  internal: boolean;
}

const FASTIFY_CODES: Record<string, { statusCode: number; code: string; message?: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { statusCode: 400, code: 'BAD_JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { statusCode: 400, code: 'BAD_JSON' },
  FST_ERR_CTP_BODY_TOO_LARGE: { statusCode: 413, code: 'BODY_TOO_LARGE' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { statusCode: 400, code: 'BAD_REQUEST' },
  // raised by the router before any route (reach the handlers through Fastify's `frameworkErrors`)
  FST_ERR_MAX_PARAM_LENGTH: { statusCode: 414, code: 'URI_TOO_LONG', message: 'The URL is too long' },
  FST_ERR_BAD_URL: { statusCode: 400, code: 'BAD_REQUEST', message: 'The URL is not valid' },
};

function validationParam(error: FastifyError): string | undefined {
  const first = error.validation?.[0];
  if (!first) return undefined;
  const missing = (first.params as { missingProperty?: string; additionalProperty?: string } | undefined) ?? {};
  const field = missing.missingProperty ?? missing.additionalProperty;
  const pointer = first.instancePath.replace(/^\//, '').replace(/\//g, '.');
  return [pointer, field].filter(Boolean).join('.') || undefined;
}

type AjvError = NonNullable<FastifyError['validation']>[number];

/**
 * A union (`anyOf`) that nothing matched reads as one sentence: "body/response_format must be one of: "wav",
 * "mp3"" instead of ajv's "must be equal to constant" once per branch. Null when the union had other failures.
 */
function unionMessage(error: FastifyError): string | null {
  const errors = error.validation ?? [];
  const union = errors.at(-1);
  if (union?.keyword !== 'anyOf') return null;
  const branches = errors.slice(0, -1);
  if (branches.some((e) => e.instancePath !== union.instancePath || !['const', 'type'].includes(e.keyword)))
    return null;
  const allowed = branches.map((e: AjvError) => {
    const params = e.params as { allowedValue?: unknown; type?: unknown };
    return e.keyword === 'const' ? JSON.stringify(params.allowedValue) : `a ${String(params.type)}`;
  });
  return `${error.validationContext ?? 'body'}${union.instancePath} must be one of: ${allowed.join(', ')}`;
}

function validationMessage(error: FastifyError): string {
  const union = unionMessage(error);
  if (union) return union;
  const first = error.validation?.[0];
  const params = first?.params as { additionalProperty?: string } | undefined;
  if (first?.keyword === 'additionalProperties' && params?.additionalProperty) {
    return `${error.validationContext ?? 'body'} has an unknown field "${params.additionalProperty}"`;
  }
  // A regular expression means nothing to the person who typed the value; the field's description does.
  const description = (first as { parentSchema?: { description?: unknown } } | undefined)?.parentSchema?.description;
  if (first?.keyword === 'pattern' && typeof description === 'string') {
    return `${error.validationContext ?? 'body'}${first.instancePath} is not valid (expected: ${description})`;
  }
  return error.message;
}

/** Maps any thrown value to status, code and a message safe to show. */
export function normalizeError(error: unknown): NormalizedError {
  if (error instanceof AppError) {
    return {
      statusCode: error.statusCode,
      code: error.code,
      message: error.message,
      retryAfterS: error.retryAfterS,
      internal: error.statusCode >= 500 && error.code === 'INTERNAL',
    };
  }
  const fastifyError = error as FastifyError;
  if (fastifyError?.validation) {
    return {
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      message: validationMessage(fastifyError),
      param: validationParam(fastifyError),
      internal: false,
    };
  }
  const known = fastifyError?.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (known) return { ...known, message: known.message ?? fastifyError.message, internal: false };
  const status = fastifyError?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { statusCode: status, code: 'BAD_REQUEST', message: fastifyError.message, internal: false };
  }
  return { statusCode: 500, code: 'INTERNAL', message: 'Internal server error', internal: true };
}

export function logIfInternal(request: FastifyRequest, error: unknown, normalized: NormalizedError): void {
  if (normalized.statusCode >= 500) request.log.error({ err: error }, 'request failed');
}

export function applyRetryAfter(reply: FastifyReply, normalized: NormalizedError): void {
  if (normalized.retryAfterS !== undefined) void reply.header('retry-after', String(normalized.retryAfterS));
}

/** The admin API's error format: `{ error: { code, message } }`. */
export function adminErrorBody(normalized: NormalizedError) {
  return { error: { code: normalized.code, message: normalized.message } };
}

export function adminErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const normalized = normalizeError(error);
  logIfInternal(request, error, normalized);
  applyRetryAfter(reply, normalized);
  return reply.status(normalized.statusCode).send(adminErrorBody(normalized));
}
