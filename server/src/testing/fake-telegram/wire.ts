import type http from 'node:http';
import { Busboy, type BusboyHeaders } from '@fastify/busboy';

/** A Bot API refusal: becomes `{ ok: false, error_code, description, parameters? }` with that HTTP status. */
export class BotApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly retryAfterS?: number,
  ) {
    super(description);
    this.name = 'BotApiError';
  }
}

export const badRequest = (what: string) => new BotApiError(400, `Bad Request: ${what}`);
export const unauthorized = () => new BotApiError(401, 'Unauthorized');
export const notFound = () => new BotApiError(404, 'Not Found');
export const tooManyRequests = (retryAfterS: number) =>
  new BotApiError(429, `Too Many Requests: retry after ${retryAfterS}`, retryAfterS);

export interface DecodedBody {
  params: Record<string, unknown>;
  files: Record<string, Buffer>;
}

const MAX_BODY_BYTES = 60 * 1024 * 1024;
/** Form fields Telegram reads as integers; decoded so a recorded call looks the same whatever the encoding. */
const INTEGER_FIELDS = new Set([
  'chat_id',
  'message_id',
  'draft_id',
  'duration',
  'offset',
  'limit',
  'timeout',
  'user_id',
  'message_thread_id',
  'reply_to_message_id',
  'cache_time',
  'max_connections',
]);

/** Free text is never decoded: a message "true" or "[1] hello" stays a string. */
const TEXT_FIELDS = new Set([
  'text',
  'caption',
  'data',
  'query',
  'description',
  'short_description',
  'name',
  'title',
  'url',
]);

export function decodeField(name: string, value: string): unknown {
  if (TEXT_FIELDS.has(name)) return value;
  if (INTEGER_FIELDS.has(name) && /^-?\d+$/.test(value)) return Number(value);
  if (value === 'true' || value === 'false') return value === 'true';
  if (/^\s*[[{]/.test(value)) {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  return value;
}

function decodeFields(entries: Iterable<[string, string]>): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [name, value] of entries) params[name] = decodeField(name, value);
  return params;
}

function readRaw(req: http.IncomingMessage): Promise<Buffer> {
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

function readMultipart(req: http.IncomingMessage): Promise<DecodedBody> {
  return new Promise((resolve, reject) => {
    const fields: Array<[string, string]> = [];
    const files: Record<string, Buffer> = {};
    const parser = new Busboy({ headers: req.headers as BusboyHeaders, limits: { fileSize: MAX_BODY_BYTES } });
    parser.on('field', (name: string, value: string) => fields.push([name, value]));
    parser.on('file', (name: string, stream: NodeJS.ReadableStream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => (files[name] = Buffer.concat(chunks)));
    });
    parser.on('finish', () => resolve({ params: decodeFields(fields), files }));
    parser.on('error', reject);
    req.pipe(parser);
  });
}

function parseJson(raw: Buffer): Record<string, unknown> {
  if (raw.length === 0) return {};
  const value = JSON.parse(raw.toString('utf8')) as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
  return value as Record<string, unknown>;
}

/** Query string, then the body (JSON, urlencoded or multipart), as the Bot API accepts them. */
export async function decodeRequest(req: http.IncomingMessage, url: URL): Promise<DecodedBody> {
  const query = decodeFields(url.searchParams.entries());
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) {
    const body = await readMultipart(req);
    return { params: { ...query, ...body.params }, files: body.files };
  }
  const raw = await readRaw(req);
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return { params: { ...query, ...decodeFields(new URLSearchParams(raw.toString('utf8')).entries()) }, files: {} };
  }
  if (raw.length > 0 && !type.startsWith('application/json')) return { params: query, files: {} };
  try {
    return { params: { ...query, ...parseJson(raw) }, files: {} };
  } catch {
    throw badRequest("can't parse JSON object");
  }
}

export function writeResult(res: http.ServerResponse, result: unknown): number {
  writeJson(res, 200, { ok: true, result });
  return 200;
}

export function writeError(res: http.ServerResponse, error: BotApiError): number {
  const body: Record<string, unknown> = { ok: false, error_code: error.errorCode, description: error.description };
  if (error.retryAfterS !== undefined) body.parameters = { retry_after: error.retryAfterS };
  writeJson(res, error.errorCode, body);
  return error.errorCode;
}

function writeJson(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
