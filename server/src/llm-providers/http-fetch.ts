import http from 'node:http';
import https from 'node:https';

/**
 * A minimal `fetch` for the openai client on top of node:http with keep-alive agents. The global
 * fetch (undici) costs several times more CPU per request, which dominated the router's overhead.
 * Honours `signal` (destroys the request, so the upstream sees the cancel at once).
 */
export function createHttpFetch(options: { maxSockets?: number } = {}): typeof fetch {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 256 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 256 }),
  };
  const shim = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const transport = url.protocol === 'https:' ? https : http;
    const agent = agents[url.protocol as 'http:' | 'https:'];
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const body =
      typeof init.body === 'string' ? init.body : init.body == null ? undefined : await new Response(init.body).text();
    // A known length keeps the request out of chunked encoding: head and body leave in one socket write.
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    return new Promise<Response>((resolve, reject) => {
      const signal = init.signal ?? undefined;
      if (signal?.aborted) return reject(abortError(signal));
      const req = transport.request(url, { method: init.method ?? 'GET', headers, agent }, (res) => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) responseHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
        }
        const status = res.statusCode ?? 502;
        resolve(nodeBodyResponse(res, { status, statusText: res.statusMessage, headers: responseHeaders }));
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

/**
 * A Response whose body is the node stream itself. The openai client reads async-iterable bodies
 * directly (and cancels them through `return()`), which saves building a web ReadableStream per
 * request, one of the larger per-request costs on the /v1 path. text()/json() read the same stream.
 */
function nodeBodyResponse(res: http.IncomingMessage, init: ResponseInit): Response {
  const status = init.status ?? 200;
  if (status === 204 || status === 304) {
    res.resume();
    return new Response(null, init);
  }
  const response = new Response(null, init);
  const bytes = async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
  const text = async () => (await bytes()).toString('utf8');
  Object.defineProperties(response, {
    body: { value: res },
    bodyUsed: { get: () => res.readableDidRead },
    text: { value: text },
    json: { value: async () => JSON.parse(await text()) as unknown },
    arrayBuffer: {
      value: async () => {
        const b = await bytes();
        return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
      },
    },
  });
  return response;
}

function abortError(signal: AbortSignal): Error {
  const error = new Error('The operation was aborted');
  error.name = 'AbortError';
  (error as Error & { cause?: unknown }).cause = signal.reason;
  return error;
}
