import type http from 'node:http';

/** A Discord REST refusal: `{ code, message, errors?, retry_after?, global? }` with that HTTP status. */
export class DiscordApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DiscordApiError';
  }

  body(): Record<string, unknown> {
    return { message: this.message, code: this.code, ...this.extra };
  }
}

export const unauthorized = () => new DiscordApiError(401, 0, '401: Unauthorized');
export const notFound = () => new DiscordApiError(404, 0, '404: Not Found');
export const unknownChannel = () => new DiscordApiError(404, 10003, 'Unknown Channel');
export const unknownMessage = () => new DiscordApiError(404, 10008, 'Unknown Message');
export const unknownUser = () => new DiscordApiError(404, 10013, 'Unknown User');
export const emptyMessage = () => new DiscordApiError(400, 50006, 'Cannot send an empty message');
export const notAuthor = () => new DiscordApiError(403, 50005, 'Cannot edit a message authored by another user');
export const internalError = () => new DiscordApiError(500, 0, '500: Internal Server Error');

/** One `{ field: { _errors: [...] } }` entry of Discord's 50035 Invalid Form Body. */
export function invalidFormBody(field: string, code: string, message: string): DiscordApiError {
  return new DiscordApiError(400, 50035, 'Invalid Form Body', {
    errors: { [field]: { _errors: [{ code, message }] } },
  });
}

export function rateLimited(retryAfterS: number, global: boolean): DiscordApiError {
  return new DiscordApiError(429, 0, 'You are being rate limited.', { retry_after: retryAfterS, global });
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;

export function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (part: Buffer) => {
      size += part.length;
      if (size > MAX_BODY_BYTES) req.destroy(new Error('request body too large'));
      else parts.push(part);
    });
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

/** JSON bodies only: discord.js sends multipart just for file uploads, which the fake does not take. */
export function parseJsonBody(raw: Buffer, contentType: string): unknown {
  if (raw.length === 0) return undefined;
  if (!contentType.toLowerCase().startsWith('application/json')) {
    throw new DiscordApiError(400, 50035, 'Invalid Form Body', {
      errors: { _errors: [{ code: 'CONTENT_TYPE_INVALID', message: 'Expected JSON' }] },
    });
  }
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    throw new DiscordApiError(400, 50109, 'The request body contains invalid JSON.');
  }
}

export function writeJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string>,
): number {
  if (res.writableEnded || res.destroyed) return status;
  if (status === 204 || body === undefined) {
    res.writeHead(204, headers);
    res.end();
    return 204;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
  return status;
}
