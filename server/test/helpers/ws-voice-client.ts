import WebSocket from 'ws';
import type { VoiceServerMessage } from '@ai-secretary/protocol';

export interface Client {
  ws: WebSocket;
  events: VoiceServerMessage[];
  audioBytes: number;
  next(predicate: (m: VoiceServerMessage) => boolean, timeoutMs?: number): Promise<VoiceServerMessage>;
  closed: Promise<number>;
  /** The close reason, once closed. */
  closeReason: string;
}

/** A `ws` client for GET /ws/voice that collects JSON events and counts audio bytes. */
export function connect(url: string, protocols: string[] = [], options: WebSocket.ClientOptions = {}): Client {
  const ws = new WebSocket(url, protocols, options);
  const events: VoiceServerMessage[] = [];
  const waiters: Array<{ predicate: (m: VoiceServerMessage) => boolean; resolve: (m: VoiceServerMessage) => void }> =
    [];
  const client: Client = {
    ws,
    events,
    audioBytes: 0,
    next(predicate, timeoutMs = 15_000) {
      const seen = events.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('timed out waiting for a ws event')), timeoutMs);
        waiters.push({ predicate, resolve: (m) => (clearTimeout(timer), resolve(m)) });
      });
    },
    closeReason: '',
    closed: new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        client.closeReason = reason.toString();
        resolve(code);
      }),
    ),
  };
  ws.on('message', (data: Buffer, isBinary) => {
    if (isBinary) return void (client.audioBytes += data.length);
    const message = JSON.parse(data.toString()) as VoiceServerMessage;
    events.push(message);
    for (const w of waiters.filter((x) => x.predicate(message))) w.resolve(message);
  });
  return client;
}

/** The HTTP status of a refused upgrade; fails if the connection is accepted. */
export function rejected(
  url: string,
  protocols: string[] = [],
  options: WebSocket.ClientOptions = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, options);
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => reject(new Error('connection was accepted')));
    ws.on('error', () => undefined);
  });
}
