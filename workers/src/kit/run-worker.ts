import { Compile } from 'typebox/compile';
import WebSocket from 'ws';
import {
  OrchestratorMessage,
  decodeAudioFrame,
  type AudioFrame,
  type HelloMessage,
  type WorkerMessage,
} from '@ai-secretary/protocol';
import type { Logger } from './logger.js';

const checkMessage = Compile(OrchestratorMessage);

export interface WorkerLink {
  send(message: WorkerMessage): void;
  sendBinary(data: Uint8Array): void;
}

/** What a worker process plugs into the shared connection loop. */
export interface WorkerHandlers {
  hello(): HelloMessage;
  onMessage(message: OrchestratorMessage, link: WorkerLink): void;
  onAudio(frame: AudioFrame, link: WorkerLink): void;
  activeJobs(): number;
  /** The connection is gone: cancel everything in flight. */
  onDisconnect(): void;
}

export interface RunWorkerOptions {
  url: string;
  token: string;
  logger: Logger;
  /** Local children exit when the orchestrator goes away (their supervisor respawns them). */
  exitOnDisconnect: boolean;
  maxBackoffMs?: number;
}

function linkOf(ws: WebSocket): WorkerLink {
  return {
    send: (message) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify(message)),
    sendBinary: (data) => ws.readyState === WebSocket.OPEN && ws.send(data),
  };
}

function handleText(
  raw: string,
  handlers: WorkerHandlers,
  link: WorkerLink,
  startHeartbeat: (ms: number) => void,
  logger: Logger,
) {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return logger.warn('orchestrator sent invalid JSON');
  }
  if (!checkMessage.Check(value))
    return logger.warn({ type: (value as { type?: unknown })?.type }, 'orchestrator sent an invalid message');
  if (value.type === 'welcome') return startHeartbeat(value.heartbeatIntervalMs);
  handlers.onMessage(value, link);
}

/** Connects to the orchestrator's `/ws/workers`, announces the worker, heartbeats, and reconnects with backoff. */
export function runWorker(options: RunWorkerOptions, handlers: WorkerHandlers): { close(): void } {
  const { logger } = options;
  let closed = false;
  let attempt = 0;
  let current: WebSocket | undefined;
  const connect = () => {
    const ws = new WebSocket(options.url, { headers: { authorization: `Bearer ${options.token}` } });
    current = ws;
    const link = linkOf(ws);
    let heartbeat: NodeJS.Timeout | undefined;
    const startHeartbeat = (ms: number) => {
      clearInterval(heartbeat);
      const beat = () =>
        link.send({ type: 'heartbeat', rssBytes: process.memoryUsage.rss(), activeJobs: handlers.activeJobs() });
      beat();
      heartbeat = setInterval(beat, ms);
    };
    ws.on('open', () => {
      attempt = 0;
      link.send(handlers.hello());
      logger.info({ url: options.url }, 'connected to the orchestrator');
    });
    ws.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) return handleText(data.toString('utf8'), handlers, link, startHeartbeat, logger);
      const frame = decodeAudioFrame(data);
      if (frame) handlers.onAudio(frame, link);
      else logger.warn('orchestrator sent a malformed audio frame');
    });
    ws.on('error', (err) => {
      if (/Unexpected server response: 401/.test(err.message)) {
        // Retrying with the same token cannot succeed: say so and stop.
        logger.fatal('the orchestrator refused the worker token');
        process.exit(3);
      }
      logger.warn({ err: err.message }, 'worker connection error');
    });
    ws.on('close', (code) => {
      clearInterval(heartbeat);
      handlers.onDisconnect();
      if (closed) return;
      if (options.exitOnDisconnect) {
        logger.info({ code }, 'orchestrator connection closed; exiting');
        process.exit(code === 4401 ? 3 : 0);
      }
      const delayMs = Math.min(options.maxBackoffMs ?? 30_000, 500 * 2 ** attempt++);
      logger.info({ code, delayMs }, 'orchestrator connection closed; reconnecting');
      setTimeout(connect, delayMs);
    });
  };
  connect();
  return {
    close() {
      closed = true;
      current?.close(1000);
    },
  };
}
