import { Compile } from 'typebox/compile';
import WebSocket from 'ws';
import {
  LinkCloseCode,
  childProtocols,
  decodeAudioFrame,
  type AudioFrame,
  type ChildKind,
  type FromChildOf,
  type HelloOf,
  type ToChildOf,
} from '@ai-secretary/protocol';
import type { Logger } from './logger.js';

/** What a child sends on its link: the messages of its kind, and (speech workers) binary audio frames. */
export interface WorkerLink<K extends ChildKind = ChildKind> {
  send(message: FromChildOf<K>): void;
  sendBinary(data: Uint8Array): void;
}

/** What a child process plugs into the shared connection loop; only `hello` is required. */
export interface ChildHandlers<K extends ChildKind> {
  hello(): HelloOf<K>;
  /** Orchestrator messages of this kind, schema-checked (`welcome` is handled by the kit). */
  onMessage?(message: ToChildOf<K>, link: WorkerLink<K>): void;
  /**
   * A text message that failed the kind's schema (parsed JSON, or undefined). Speech workers answer a job
   * message with a `job.error` here, so the orchestrator does not wait for a job that will never run.
   */
  onInvalidMessage?(value: unknown, link: WorkerLink<K>): void;
  /** Binary frames (speech workers' job audio). */
  onAudio?(frame: AudioFrame, link: WorkerLink<K>): void;
  /** The orchestrator welcomed the child: the link is up (send what the kind says first). */
  onWelcome?(link: WorkerLink<K>): void;
  /** Reported in each heartbeat (0 when absent). */
  activeJobs?(): number;
  /** The connection is gone: cancel everything in flight. */
  onDisconnect?(): void;
}

/** A speech worker's handlers (its host). */
export type WorkerHandlers = ChildHandlers<'speech-worker'>;

export interface RunWorkerOptions<K extends ChildKind> {
  kind: K;
  url: string;
  /** The child's credential (supervised children) or the shared worker token (remote speech workers). */
  token: string;
  logger: Logger;
  /** Local children exit when the orchestrator goes away (their supervisor respawns them). */
  exitOnDisconnect: boolean;
  maxBackoffMs?: number;
}

/** Exit status of a child whose credential the orchestrator refused: retrying with it cannot succeed. */
export const EXIT_REFUSED = 3;

function linkOf<K extends ChildKind>(ws: WebSocket): WorkerLink<K> {
  return {
    send: (message) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify(message)),
    sendBinary: (data) => ws.readyState === WebSocket.OPEN && ws.send(data),
  };
}

function parse(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** Builds the hello and checks it against the kind's schema before it leaves (a bug here is fatal). */
function checkedHello<K extends ChildKind>(kind: K, handlers: ChildHandlers<K>): HelloOf<K> {
  const hello = handlers.hello();
  const check = Compile(childProtocols[kind].hello);
  if (!check.Check(hello))
    throw new Error(`${kind} hello does not match the protocol: ${check.Errors(hello)[0]?.message}`);
  return hello;
}

/**
 * Connects to the orchestrator's `/ws/workers` as a child of `kind`: announces it (hello), heartbeats at the
 * interval `welcome` names, hands the kind's other messages to `handlers`, and reconnects with backoff (or
 * exits, for supervised children).
 */
export function runWorker<K extends ChildKind>(
  options: RunWorkerOptions<K>,
  handlers: ChildHandlers<K>,
): { close(): void } {
  const { logger, kind } = options;
  const checkMessage = Compile(childProtocols[kind].toChild);
  let closed = false;
  let attempt = 0;
  let current: WebSocket | undefined;
  const connect = () => {
    const ws = new WebSocket(options.url, { headers: { authorization: `Bearer ${options.token}` } });
    current = ws;
    const link = linkOf<K>(ws);
    let heartbeat: NodeJS.Timeout | undefined;
    const startHeartbeat = (ms: number) => {
      clearInterval(heartbeat);
      const beat = () =>
        link.send({
          type: 'heartbeat',
          rssBytes: process.memoryUsage.rss(),
          activeJobs: handlers.activeJobs?.() ?? 0,
        } as FromChildOf<K>);
      beat();
      heartbeat = setInterval(beat, ms);
    };
    const onText = (raw: string) => {
      const value = parse(raw);
      if (!checkMessage.Check(value)) {
        logger.warn({ type: (value as { type?: unknown })?.type }, 'orchestrator sent an invalid message');
        return handlers.onInvalidMessage?.(value, link);
      }
      const message = value as ToChildOf<K> & { type: string };
      if (message.type === 'welcome') {
        startHeartbeat((message as { heartbeatIntervalMs: number }).heartbeatIntervalMs);
        return handlers.onWelcome?.(link);
      }
      handlers.onMessage?.(message, link);
    };
    ws.on('open', () => {
      attempt = 0;
      link.send(checkedHello(kind, handlers) as FromChildOf<K>);
      logger.info({ url: options.url, kind }, 'connected to the orchestrator');
    });
    ws.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) return onText(data.toString('utf8'));
      const frame = decodeAudioFrame(data);
      if (frame && handlers.onAudio) handlers.onAudio(frame, link);
      else logger.warn('orchestrator sent an unexpected binary frame');
    });
    ws.on('error', (err) => {
      if (/Unexpected server response: 401/.test(err.message)) {
        logger.fatal('the orchestrator refused the credential');
        process.exit(EXIT_REFUSED);
      }
      logger.warn({ err: err.message }, 'worker connection error');
    });
    ws.on('close', (code) => {
      clearInterval(heartbeat);
      handlers.onDisconnect?.();
      if (closed) return;
      if (options.exitOnDisconnect || code === LinkCloseCode.credentialRevoked) {
        logger.info({ code }, 'orchestrator connection closed; exiting');
        process.exit(code === LinkCloseCode.credentialRevoked ? EXIT_REFUSED : 0);
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
