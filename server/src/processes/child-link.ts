import { EventEmitter } from 'node:events';
import { Compile } from 'typebox/compile';
import type WebSocket from 'ws';
import { childProtocols, type ChildKind, type HelloOf, type ToChildOf } from '@ai-secretary/protocol';
import type { Logger } from '../logger.js';

export interface LinkEvents {
  heartbeat: [rssBytes: number];
  close: [];
}

/** A child's open link after its hello, whatever its kind (a speech `WorkerConnection` is one). */
export interface ChildLink extends EventEmitter<LinkEvents> {
  readonly id: string;
  readonly closed: boolean;
  /** Drops the connection (protocol violation, missed heartbeats, the supervisor's decision). */
  terminate(reason: string): void;
}

/**
 * The link of a child whose kind has no messages of its own yet (bots, `echo`): schema-checked heartbeats
 * in, the kind's orchestrator messages out. Anything else ends the connection.
 */
export class ChildConnection<K extends ChildKind> extends EventEmitter<LinkEvents> implements ChildLink {
  readonly id: string;
  readonly name: string;
  readonly pid: number;
  closed = false;
  private readonly check;
  private readonly logger: Logger;

  constructor(
    private readonly socket: WebSocket,
    readonly kind: K,
    hello: HelloOf<K>,
    logger: Logger,
  ) {
    super();
    this.id = hello.workerId;
    this.name = hello.name;
    this.pid = hello.pid;
    this.check = Compile(childProtocols[kind].fromChild);
    this.logger = logger.child({ childId: this.id, kind });
    socket.on('message', (data: Buffer, isBinary) => this.receive(data, isBinary));
    socket.on('close', () => this.onClose());
  }

  send(message: ToChildOf<K>): void {
    if (!this.closed) this.socket.send(JSON.stringify(message));
  }

  terminate(reason: string): void {
    this.logger.warn({ reason }, 'dropping child connection');
    this.socket.terminate();
    this.onClose();
  }

  private receive(data: Buffer, isBinary: boolean): void {
    if (isBinary) return this.terminate('unexpected binary frame');
    let value: unknown;
    try {
      value = JSON.parse(data.toString('utf8'));
    } catch {
      return this.terminate('invalid JSON');
    }
    if (!this.check.Check(value)) return this.terminate('invalid message');
    const message = value as { type: string; rssBytes?: number };
    if (message.type === 'heartbeat') this.emit('heartbeat', message.rssBytes ?? 0);
    else this.terminate(message.type === 'hello' ? 'second hello' : `unexpected ${message.type}`);
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close');
  }
}
