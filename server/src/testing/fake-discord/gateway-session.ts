import { randomBytes } from 'node:crypto';
import type WebSocket from 'ws';
import type { BotRecord } from './world.js';

export interface DispatchPayload {
  op: 0;
  t: string;
  s: number;
  d: unknown;
}

/** Dispatches kept for Resume; Discord keeps a bounded backlog too. */
const BACKLOG_LIMIT = 1000;

/**
 * One gateway session: it outlives its socket. Dispatches sent while no socket is attached are kept and replayed
 * on Resume (what makes "nothing it had accepted lost" true for a client that resumes).
 */
export class GatewaySession {
  readonly id = randomBytes(16).toString('hex');
  private seq = 0;
  private readonly backlog: DispatchPayload[] = [];
  private socket: WebSocket | undefined;

  constructor(
    readonly bot: BotRecord,
    readonly intents: number,
  ) {}

  get sequence(): number {
    return this.seq;
  }

  get connected(): WebSocket | undefined {
    return this.socket;
  }

  dispatch(t: string, d: unknown): DispatchPayload {
    const payload: DispatchPayload = { op: 0, t, s: ++this.seq, d };
    this.backlog.push(payload);
    if (this.backlog.length > BACKLOG_LIMIT) this.backlog.shift();
    this.send(payload);
    return payload;
  }

  /** Takes over `socket` (closing any earlier one, as Discord ends the old connection on Resume). */
  attach(socket: WebSocket): void {
    if (this.socket && this.socket !== socket) this.socket.close(4000, 'Session resumed elsewhere');
    this.socket = socket;
  }

  detach(socket: WebSocket): void {
    if (this.socket === socket) this.socket = undefined;
  }

  /** Whether dispatches after `seq` are still in the backlog. */
  canReplayFrom(seq: number): boolean {
    if (seq > this.seq) return false;
    const oldest = this.backlog[0]?.s ?? this.seq + 1;
    return seq >= oldest - 1;
  }

  replayFrom(seq: number): number {
    const missed = this.backlog.filter((payload) => payload.s > seq);
    for (const payload of missed) this.send(payload);
    return missed.length;
  }

  private send(payload: DispatchPayload): void {
    if (this.socket?.readyState === 1) this.socket.send(JSON.stringify(payload));
  }
}
