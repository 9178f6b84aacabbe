import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  status: number;
}

/**
 * An HTTP endpoint on loopback that records every request (ntfy, a Discord webhook): answers the queued
 * statuses in turn (`failNext`), then `okStatus`. Failed answers are recorded too.
 */
export class FakeHttpReceiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly statuses: number[] = [];
  private waiters: Array<() => void> = [];
  private readonly server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString('utf8')));
    req.on('end', () => {
      const status = this.statuses.shift() ?? this.okStatus;
      this.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, status });
      res.statusCode = status;
      res.end(status < 300 ? '{"id":"ok"}' : 'fake failure');
      for (const wake of this.waiters.splice(0)) wake();
    });
  });

  constructor(private readonly okStatus = 200) {}

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  failNext(count: number, status = 500): void {
    for (let i = 0; i < count; i++) this.statuses.push(status);
  }

  /** Requests answered with success. */
  get delivered(): ReceivedRequest[] {
    return this.requests.filter((r) => r.status < 300);
  }

  async waitForDelivered(count: number): Promise<ReceivedRequest[]> {
    while (this.delivered.length < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.delivered;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
