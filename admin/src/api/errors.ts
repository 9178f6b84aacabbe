import type { AdminErrorBody } from '@ai-secretary/protocol';

/** Set by the client itself, never by the server. */
export type ClientErrorCode = 'NETWORK_UNREACHABLE' | 'BAD_RESPONSE' | 'SESSION_EXPIRED';

/** Any failed API call: `status` 0 means the server could not be reached. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, status: number, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
  }

  get unreachable(): boolean {
    return this.status === 0;
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

function isAdminErrorBody(value: unknown): value is AdminErrorBody {
  const error = (value as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return typeof error?.code === 'string' && typeof error.message === 'string';
}

/** Reads the `{ error: { code, message } }` envelope, or describes what came instead. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: a proxy page or an empty body
  }
  if (isAdminErrorBody(body)) return new ApiError(body.error.code, body.error.message, response.status);
  const openAi = (body as { error?: { message?: unknown; type?: unknown } } | null)?.error;
  if (typeof openAi?.message === 'string') {
    return new ApiError(typeof openAi.type === 'string' ? openAi.type : 'UPSTREAM', openAi.message, response.status);
  }
  return new ApiError('BAD_RESPONSE', `HTTP ${response.status}`, response.status);
}
