import { EventEmitter } from 'node:events';
import { Compile } from 'typebox/compile';
import type WebSocket from 'ws';
import { childProtocols, type ChildKind, type FromChildOf, type HelloOf, type ToChildOf } from '@ai-secretary/protocol';
import type { Logger } from '../logger.js';

export interface LinkEvents {
  heartbeat: [rssBytes: number];
  /** The child said why it cannot go on; it exits next and is not restarted. */
  fatal: [reason: string];
  close: [];
}

/** A child's open link after its hello, whatever its kind (a speech `WorkerConnection` is one). */
export interface ChildLink extends EventEmitter<LinkEvents> {
  readonly id: string;
  readonly closed: boolean;
  /** Drops the connection (protocol violation, missed heartbeats, the supervisor's decision). */
  terminate(reason: string): void;
}

export type KindMessage<K extends ChildKind> = Exclude<FromChildOf<K>, { type: 'heartbeat' | 'fatal' | 'hello' }>;

/**
 * The link of a child of any kind but speech workers (bots, `echo`): every message is checked against the
 * kind's schema; heartbeats and `fatal` are the supervisor's, the rest goes to the handler of the module that
 * owns the kind (`onMessage`). Anything invalid ends the connection.
 */
export class ChildConnection<K extends ChildKind> extends EventEmitter<LinkEvents> implements ChildLink {
  readonly id: string;
  readonly name: string;
  readonly pid: number;
  closed = false;
  private readonly check;
  private readonly logger: Logger;
  private handler: ((message: KindMessage<K>) => void) | undefined;

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

  /** Where the kind's own messages go (one handler: the module that accepted the link). */
  onMessage(handler: (message: KindMessage<K>) => void): void {
    this.handler = handler;
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
    const message = value as FromChildOf<K> & { type: string };
    if (message.type === 'hello') return this.terminate('second hello');
    if (message.type === 'heartbeat') this.emit('heartbeat', (message as { rssBytes: number }).rssBytes);
    else if (message.type === 'fatal') this.emit('fatal', (message as { reason: string }).reason);
    else if (this.handler) this.handler(message as KindMessage<K>);
    else this.terminate(`unexpected ${message.type}`);
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close');
  }
}
