import { pino } from 'pino';

/**
 * Credentials that travel in URLs and headers, kept out of the logs wherever a request, a URL, an
 * error or a message string is serialized (`/ws/voice?token=…` carries access JWTs and widget tokens).
 */
const CENSOR = '[redacted]';

/** Query parameter names that carry a credential: token, access_token, key, api_key, password, secret, … */
const CREDENTIAL_PARAM = /token|secret|passw|pwd|api[-_]?key|^key$|^sig(nature)?$|^auth(orization)?$|credential/i;

const CREDENTIAL_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'x-auth-token',
  'x-widget-token',
  'x-worker-token',
]);

/** `name=value` pairs after `?`, `&` or `;`; the value stops at the next separator, quote or space. */
const QUERY_PAIR = /([?&;])([^=&#\s"'?;]+)=([^&#\s"';]*)/g;
/** `scheme://user:password@host`: the user information before the `@`. */
const USER_INFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"']+@/gi;

/** Replaces credential values in every URL-like piece of a text (a URL, a log message, an error stack). */
export function redactText(text: string): string {
  if (!text.includes('=') && !text.includes('@')) return text;
  return text
    .replace(QUERY_PAIR, (pair, sep: string, name: string) => {
      return CREDENTIAL_PARAM.test(decodeName(name)) ? `${sep}${name}=${CENSOR}` : pair;
    })
    .replace(USER_INFO, `$1${CENSOR}@`);
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/** The browser passes `bearer.<token>` as a WebSocket subprotocol; the other entries stay. */
function redactSubprotocols(value: string): string {
  return value
    .split(',')
    .map((p) => (p.trim().startsWith('bearer.') ? ' bearer.' + CENSOR : p))
    .join(',')
    .trim();
}

export function redactHeaders(headers: unknown): unknown {
  if (headers === null || typeof headers !== 'object') return headers;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (CREDENTIAL_HEADERS.has(lower)) out[name] = CENSOR;
    else if (lower === 'sec-websocket-protocol' && typeof value === 'string') out[name] = redactSubprotocols(value);
    else out[name] = typeof value === 'string' ? redactText(value) : value;
  }
  return out;
}

interface LoggableRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  headers?: Record<string, unknown>;
  socket?: { remoteAddress?: string; remotePort?: number };
}

/** Fastify's request shape (method, url, host, address), with the URL's credentials replaced. */
export function serializeRequest(req: LoggableRequest): Record<string, unknown> {
  return {
    method: req.method,
    url: typeof req.url === 'string' ? redactText(req.url) : req.url,
    host: req.host ?? req.headers?.host,
    remoteAddress: req.ip ?? req.socket?.remoteAddress,
    remotePort: req.socket?.remotePort,
  };
}

export function serializeError(error: unknown): unknown {
  const serialized = pino.stdSerializers.err(error as Error) as unknown;
  if (serialized === null || typeof serialized !== 'object') return serialized;
  const out: Record<string, unknown> = { ...serialized };
  for (const field of ['message', 'stack'] as const) {
    if (typeof out[field] === 'string') out[field] = redactText(out[field]);
  }
  return out;
}

/** pino serializers (by top-level key) and a hook that cleans message strings. */
export const logRedaction = {
  serializers: {
    req: serializeRequest,
    err: serializeError,
    error: serializeError,
    url: (url: unknown) => (typeof url === 'string' ? redactText(url) : url),
    headers: redactHeaders,
  },
  hooks: {
    logMethod(this: pino.Logger, args: Parameters<pino.LogFn>, method: pino.LogFn): void {
      const cleaned = args.map((a: unknown) => (typeof a === 'string' ? redactText(a) : a));
      method.apply(this, cleaned as Parameters<pino.LogFn>);
    },
  },
};
