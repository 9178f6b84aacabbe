import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyInstance } from 'fastify';
import type { NormalizedError } from './errors.js';

/** Builds the error body of the interface a path belongs to (`/v1` or the admin API). */
export type ErrorBodyFor = (path: string | null) => (normalized: NormalizedError) => unknown;

const REQUEST_LINE = /^[A-Z]+ (\/\S*)/;

/** The path of the refused request, when its packet starts with the request line. */
function pathOf(error: ConnectionError): { path: string | null; lineComplete: boolean } {
  const raw = error.rawPacket as unknown;
  const text = Buffer.isBuffer(raw) ? raw.toString('latin1', 0, Math.min(raw.length, 16 * 1024)) : '';
  const match = REQUEST_LINE.exec(text);
  return { path: match?.[1] ?? null, lineComplete: text.includes('\r\n') };
}

function classify(error: ConnectionError, lineComplete: boolean): NormalizedError {
  const of = (statusCode: number, code: string, message: string) => ({ statusCode, code, message, internal: false });
  if (error.code === 'HPE_HEADER_OVERFLOW' && !lineComplete) return of(414, 'URI_TOO_LONG', 'The URL is too long');
  if (error.code === 'HPE_HEADER_OVERFLOW') return of(431, 'HEADERS_TOO_LARGE', 'The request headers are too large');
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return of(408, 'REQUEST_TIMEOUT', 'The request did not arrive in time');
  return of(400, 'BAD_REQUEST', 'The request is not valid HTTP');
}

/**
 * What Node's HTTP parser refuses before Fastify sees a request (headers or URL over the size limit,
 * malformed HTTP, a request too slow to arrive) answers in the same error envelope as the routes,
 * chosen by the request line's path when the packet carries it (the admin format otherwise).
 */
export function createClientErrorHandler(bodyFor: ErrorBodyFor) {
  return function onClientError(this: FastifyInstance, error: ConnectionError, socket: Socket): void {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const { path, lineComplete } = pathOf(error);
    const normalized = classify(error, lineComplete);
    this.log.debug({ err: error, statusCode: normalized.statusCode }, 'client error');
    const body = JSON.stringify(bodyFor(path)(normalized));
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${normalized.statusCode} ${STATUS_CODES[normalized.statusCode]}\r\n` +
          `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
          `Connection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy(error);
  };
}
