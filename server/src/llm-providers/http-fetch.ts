import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';

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
    return new Promise<Response>((resolve, reject) => {
      const signal = init.signal ?? undefined;
      if (signal?.aborted) return reject(abortError(signal));
      const req = transport.request(url, { method: init.method ?? 'GET', headers, agent }, (res) => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) responseHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
        }
        const status = res.statusCode ?? 502;
        const stream = status === 204 || status === 304 ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
        resolve(new Response(stream, { status, statusText: res.statusMessage, headers: responseHeaders }));
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

function abortError(signal: AbortSignal): Error {
  const error = new Error('The operation was aborted');
  error.name = 'AbortError';
  (error as Error & { cause?: unknown }).cause = signal.reason;
  return error;
}
