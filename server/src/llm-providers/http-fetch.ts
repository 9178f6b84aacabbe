import http from 'node:http';
import https from 'node:https';
import { portOf, type OutboundPolicy } from '../core/net/outbound-policy.js';

/**
 * A minimal `fetch` for the openai client on top of node:http with keep-alive agents. The global
 * fetch (undici) costs several times more CPU per request, which dominated the router's overhead.
 * Honours `signal` (destroys the request, so the upstream sees the cancel at once). With a `policy`, the URL and
 * every resolved address are checked (OutboundPolicy); redirects are never followed.
 */
export function createHttpFetch(options: { maxSockets?: number; policy?: OutboundPolicy } = {}): typeof fetch {
  const agents = new Map<string, http.Agent>();
  const agentFor = (url: URL): http.Agent => {
    const port = portOf(url);
    const key = `${url.protocol}${port}`;
    let agent = agents.get(key);
    if (agent === undefined) {
      const Agent = url.protocol === 'https:' ? https.Agent : http.Agent;
      const lookup = options.policy?.lookupFor(port);
      agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 256, ...(lookup && { lookup }) });
      agents.set(key, agent);
    }
    return agent;
  };
  const shim = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const raw = typeof input === 'string' || input instanceof URL ? input : input.url;
    const url = options.policy ? options.policy.checkUrl(raw) : new URL(raw);
    const transport = url.protocol === 'https:' ? https : http;
    const agent = agentFor(url);
    const headers = plainHeaders(init.headers);
    const body =
      typeof init.body === 'string' ? init.body : init.body == null ? undefined : await new Response(init.body).text();
    // A known length keeps the request out of chunked encoding: head and body leave in one socket write.
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    return new Promise<Response>((resolve, reject) => {
      const signal = init.signal ?? undefined;
      if (signal?.aborted) return reject(abortError(signal));
      const req = transport.request(url, { method: init.method ?? 'GET', headers, agent }, (res) => {
        resolve(new NodeResponse(res, url.href) as unknown as Response);
      });
      const onAbort = () => req.destroy(abortError(signal!));
      signal?.addEventListener('abort', onAbort, { once: true });
      req.once('close', () => signal?.removeEventListener('abort', onAbort));
      req.once('error', reject);
      req.end(body);
    });
  };
  return shim;
}

function plainHeaders(init: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (init instanceof Headers) init.forEach((value, name) => (out[name] = value));
  else if (Array.isArray(init)) for (const [name, value] of init) out[name.toLowerCase()] = value;
  else if (init)
    for (const [name, value] of Object.entries(init as Record<string, string>)) out[name.toLowerCase()] = value;
  return out;
}

/**
 * The read side of a fetch Headers over node's parsed (lower-cased) response headers, without
 * copying them into a web Headers object per response.
 */
class NodeHeaders {
  readonly #raw: http.IncomingHttpHeaders;
  constructor(raw: http.IncomingHttpHeaders) {
    this.#raw = raw;
  }
  get(name: string): string | null {
    const value = this.#raw[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
  }
  has(name: string): boolean {
    return this.#raw[name.toLowerCase()] !== undefined;
  }
  *entries(): IterableIterator<[string, string]> {
    for (const name of Object.keys(this.#raw).sort()) yield [name, this.get(name)!];
  }
  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name;
  }
  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }
  forEach(callback: (value: string, name: string, parent: NodeHeaders) => void): void {
    for (const [name, value] of this.entries()) callback(value, name, this);
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

/**
 * What the openai client reads from a fetch Response, over node's IncomingMessage: the body is the
 * node stream itself (the client reads async-iterable bodies and cancels them through `return()`),
 * which saves a web ReadableStream, a Headers copy and a Response per request, the larger
 * per-request costs on the /v1 path. text()/json()/arrayBuffer() read the same stream.
 */
class NodeResponse {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly headers: NodeHeaders;
  readonly body: http.IncomingMessage | null;
  readonly redirected = false;
  readonly type = 'basic';
  constructor(
    private readonly res: http.IncomingMessage,
    readonly url: string,
  ) {
    this.status = res.statusCode ?? 502;
    this.statusText = res.statusMessage ?? '';
    this.ok = this.status >= 200 && this.status < 300;
    this.headers = new NodeHeaders(res.headers);
    const empty = this.status === 204 || this.status === 304;
    if (empty) res.resume();
    this.body = empty ? null : res;
  }
  get bodyUsed(): boolean {
    return this.res.readableDidRead;
  }
  async bytes(): Promise<Buffer> {
    if (!this.body) return Buffer.alloc(0);
    const chunks: Buffer[] = [];
    for await (const chunk of this.body) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
  async text(): Promise<string> {
    return (await this.bytes()).toString('utf8');
  }
  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    const b = await this.bytes();
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }
}

function abortError(signal: AbortSignal): Error {
  const error = new Error('The operation was aborted');
  error.name = 'AbortError';
  (error as Error & { cause?: unknown }).cause = signal.reason;
  return error;
}
