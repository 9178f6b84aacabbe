import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ShopRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A local stand-in for the business's own API (an online shop): order status as JSON, a service that never
 * answers, one that answers far too much, and an endpoint that changes something. Records every request.
 */
export async function startShopService() {
  const requests: ShopRequest[] = [];
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (part: Buffer) => (body += part.toString('utf8')));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      route(req, res, body);
    });
  });
  function route(req: http.IncomingMessage, res: http.ServerResponse, body: string) {
    const order = /^\/orders\/([^/?]+)/.exec(req.url ?? '');
    if (req.method === 'GET' && order) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ data: { id: decodeURIComponent(order[1]!), status: 'shipped on 3 December' } }));
    }
    if (req.url?.startsWith('/slow')) return void hanging.add(res);
    if (req.url?.startsWith('/big')) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end('x'.repeat(1_000_000));
    }
    if (req.method === 'POST' && req.url?.startsWith('/cancel')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ cancelled: JSON.parse(body || '{}') as unknown }));
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('no such order');
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type ShopService = Awaited<ReturnType<typeof startShopService>>;
