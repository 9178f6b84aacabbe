import type { FastifyReply, FastifyRequest } from 'fastify';
import { applyRetryAfter, logIfInternal, normalizeError, type NormalizedError } from '../../http/errors.js';

function openAiType(statusCode: number): string {
  if (statusCode === 401) return 'authentication_error';
  if (statusCode === 403) return 'permission_error';
  if (statusCode === 404) return 'not_found_error';
  if (statusCode === 429) return 'rate_limit_error';
  if (statusCode >= 500) return 'api_error';
  return 'invalid_request_error';
}

const OPENAI_CODES: Record<string, string> = {
  API_KEY_INVALID: 'invalid_api_key',
  AUTH_INVALID_TOKEN: 'invalid_api_key',
  AUTH_SESSION_REVOKED: 'invalid_api_key',
  AUTH_USER_DISABLED: 'invalid_api_key',
  RATE_LIMITED: 'rate_limit_exceeded',
  BAD_JSON: 'invalid_json',
  VALIDATION_FAILED: 'invalid_value',
  BODY_TOO_LARGE: 'request_too_large',
  MALFORMED_BODY: 'invalid_request_body',
  URI_TOO_LONG: 'uri_too_long',
  HEADERS_TOO_LARGE: 'headers_too_large',
  LLM_UNKNOWN_MODEL: 'model_not_found',
  LLM_LIMIT_EXCEEDED: 'insufficient_quota',
  LLM_UNAVAILABLE: 'service_unavailable',
};

/** The OpenAI error envelope: `{ error: { message, type, param, code } }`. */
export function openAiErrorBody(normalized: NormalizedError) {
  return {
    error: {
      message: normalized.message,
      type: openAiType(normalized.statusCode),
      param: normalized.param ?? null,
      code: OPENAI_CODES[normalized.code] ?? normalized.code.toLowerCase(),
    },
  };
}

export function openAiErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const normalized = normalizeError(error);
  logIfInternal(request, error, normalized);
  applyRetryAfter(reply, normalized);
  return reply.status(normalized.statusCode).send(openAiErrorBody(normalized));
}
