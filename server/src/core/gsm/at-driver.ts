import { EventEmitter } from 'node:events';
import { GsmAtError, GsmUnavailableError } from '../../errors.js';
import { classifyLine, describeFailure, TWO_LINE_URCS, type FinalResult, type Urc } from './at-lines.js';
import type { AtTransport } from './types.js';

export interface AtResponse {
  /** Intermediate and information lines, in order, without the final result code. */
  lines: string[];
}

export interface SendOptions {
  timeoutMs?: number;
  /** Text written after the `> ` prompt, terminated with Ctrl-Z (SMS PDUs). */
  payload?: string;
}

interface Pending {
  command: string;
  options: SendOptions;
  lines: string[];
  resolve(response: AtResponse): void;
  reject(error: Error): void;
  timer?: ReturnType<typeof setTimeout>;
  /** The modem showed the `> ` prompt to a command that has no payload: cancelled with ESC. */
  promptRefused?: boolean;
}

/** After ESC at a prompt, how long a final result (if the modem sends one) is waited for and swallowed. */
const PROMPT_CANCEL_SETTLE_MS = 500;

export interface AtDriverEvents {
  urc: [urc: Urc];
  closed: [];
}

const CTRL_Z = '\x1a';
const ESC = '\x1b';

/**
 * Sends AT commands one at a time over an AtTransport and classifies every line that comes back.
 * URCs are emitted as `urc` events wherever they appear, also between a command and its final result.
 */
export class AtDriver extends EventEmitter<AtDriverEvents> {
  private readonly queue: Pending[] = [];
  private current: Pending | null = null;
  private awaitingPdu: Urc | null = null;
  private closed = false;

  constructor(
    private readonly transport: AtTransport,
    private readonly defaultTimeoutMs = 5000,
  ) {
    super();
    void this.readLoop();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Queues a command; resolves with its lines on OK, rejects with GsmAtError or a timeout. */
  send(command: string, options: SendOptions = {}): Promise<AtResponse> {
    if (this.closed) return Promise.reject(new GsmUnavailableError('Modem port is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ command, options, lines: [], resolve, reject });
      this.pump();
    });
  }

  /** Number of commands waiting or in flight (tests check the queue never gets stuck). */
  get pendingCount(): number {
    return this.queue.length + (this.current ? 1 : 0);
  }

  async close(): Promise<void> {
    this.shutdown();
    await this.transport.close();
  }

  private shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    const error = new GsmUnavailableError('Modem port closed');
    if (this.current) this.finish(this.current, error);
    for (const pending of this.queue.splice(0)) pending.reject(error);
    this.emit('closed');
  }

  private pump(): void {
    if (this.current || this.closed) return;
    const next = this.queue.shift();
    if (!next) return;
    this.current = next;
    const timeoutMs = next.options.timeoutMs ?? this.defaultTimeoutMs;
    next.timer = setTimeout(() => this.onTimeout(next), timeoutMs);
    this.transport.write(`${next.command}\r`).catch((error: unknown) => this.finish(next, asUnavailable(error)));
  }

  private onTimeout(pending: Pending): void {
    if (this.current !== pending) return;
    if (pending.options.payload !== undefined) void this.transport.write(ESC).catch(() => undefined);
    this.finish(pending, new GsmUnavailableError(`No answer to ${commandName(pending.command)}`, 'GSM_AT_TIMEOUT'));
  }

  private finish(pending: Pending, outcome: Error | AtResponse): void {
    clearTimeout(pending.timer);
    if (this.current === pending) this.current = null;
    if (outcome instanceof Error) pending.reject(outcome);
    else pending.resolve(outcome);
    queueMicrotask(() => this.pump());
  }

  private async readLoop(): Promise<void> {
    try {
      for await (const line of this.transport.lines()) this.onLine(line);
    } catch {
      // A read error means the port is gone; shutdown() below reports it.
    }
    this.shutdown();
  }

  private onLine(line: string): void {
    if (this.awaitingPdu) return this.completeTwoLineUrc(line);
    const current = this.current;
    if (current && line.trim() === current.command) return; // echo (before ATE0)
    const parsed = classifyLine(line, current?.command ?? null);
    switch (parsed.kind) {
      case 'urc':
        return this.onUrc(parsed.urc);
      case 'prompt':
        return this.onPrompt(current);
      case 'final':
        if (current) this.onFinal(current, parsed.result);
        return;
      case 'data':
        if (current) current.lines.push(parsed.text);
        return;
    }
  }

  private onUrc(urc: Urc): void {
    if (TWO_LINE_URCS.has(urc.name)) this.awaitingPdu = urc;
    else this.emit('urc', urc);
  }

  private completeTwoLineUrc(line: string): void {
    const urc = { ...(this.awaitingPdu as Urc), pdu: line.trim() };
    this.awaitingPdu = null;
    this.emit('urc', urc);
  }

  private onPrompt(current: Pending | null): void {
    if (current && current.options.payload === undefined) return this.refusePrompt(current);
    if (current?.options.payload === undefined) return;
    this.transport
      .write(`${current.options.payload}${CTRL_Z}`)
      .catch((e: unknown) => this.finish(current, asUnavailable(e)));
  }

  /**
   * A command without a payload (the raw console's `AT+CMGS=…`) opened the text prompt: leave it with ESC at
   * once, so the modem is back in command mode for the next command, and fail this one.
   */
  private refusePrompt(current: Pending): void {
    current.promptRefused = true;
    void this.transport.write(ESC).catch(() => undefined);
    clearTimeout(current.timer);
    current.timer = setTimeout(() => this.finish(current, promptError(current)), PROMPT_CANCEL_SETTLE_MS);
  }

  private onFinal(current: Pending, result: FinalResult): void {
    if (current.promptRefused) return this.finish(current, promptError(current));
    if (result.ok) return this.finish(current, { lines: current.lines });
    const meaning = describeFailure(result);
    const error = new GsmAtError(`${commandName(current.command)} failed: ${meaning}`, {
      details: { kind: result.kind, code: result.code, meaning },
    });
    this.finish(current, error);
  }
}

/** The command without arguments, safe for logs and error messages (no phone numbers or PDUs). */
export function commandName(command: string): string {
  const match = /^AT([+*$^]?[A-Z]+)/i.exec(command.trim());
  return match ? `AT${match[1]}` : 'AT';
}

function asUnavailable(_error: unknown): Error {
  return new GsmUnavailableError('Write to modem failed', 'GSM_UNAVAILABLE');
}

/** `+CSQ: 21,99` → ['21', '99']; strips quotes. */
export function parseArgs(text: string): string[] {
  const body = text.includes(':') ? text.slice(text.indexOf(':') + 1) : text;
  return body.split(',').map((part) => part.trim().replace(/^"|"$/g, ''));
}

function promptError(pending: Pending): GsmAtError {
  return new GsmAtError(
    `${commandName(pending.command)} asked for text after the > prompt; it was cancelled (ESC). ` +
      'Send SMS through /api/gsm/sms.',
    { details: { kind: 'prompt_cancelled' } },
  );
}
