import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import readline from 'node:readline';
import type { Readable } from 'node:stream';
import { ChildEnv, type ChildKind } from '@ai-secretary/protocol';
import { entersState } from '../core/state/enters-state.js';
import type { Logger } from '../logger.js';
import type { ChildLink } from './child-link.js';
import type { ChildCredentials } from './credentials.js';
import { LogRing, type LogLine, type LogStream } from './log-ring.js';

export type ChildStatus = 'stopped' | 'starting' | 'ready' | 'backoff' | 'stopping' | 'failed';

/** What to run and how to judge it; one per child. */
export interface ChildSpec {
  /** Unique among the supervisor's children; the child says it back in its hello (`CHILD_ID`). */
  id: string;
  kind: ChildKind;
  name: string;
  command: string;
  args: string[];
  /** Added to the inherited environment (from which the orchestrator's secrets are removed). */
  env?: Record<string, string>;
  /** Time from spawn (or a lost link) to the child's hello. */
  handshakeTimeoutMs: number;
  /**
   * The interval its link's `welcome` announces (default: the policy's, which the link gives kinds without
   * their own); `missedHeartbeats` (5) of them without one kill it.
   */
  heartbeatIntervalMs?: number;
  missedHeartbeats?: number;
  /** RSS (from heartbeats) above which it is killed. */
  memoryLimitBytes: number;
  backoffBaseMs?: number;
  backoffMaxMs: number;
  /** A run this long counts as healthy and resets the backoff. */
  stableAfterMs?: number;
}

/** Policies the supervisor applies to all its children (config.processes). */
export interface ChildPolicy {
  crashLoopCrashes: number;
  crashLoopWindowMs: number;
  stopGraceMs: number;
  logLines: number;
  heartbeatIntervalMs: number;
  /** Copy each (redacted) output line to the orchestrator's own stdout/stderr. */
  forwardOutput: boolean;
}

export interface ChildExit {
  code: number | null;
  signal: string | null;
  reason: string;
  at: string;
}

type ChildState =
  | { status: 'stopped' }
  | { status: 'starting'; process: ChildProcess; handshake: NodeJS.Timeout }
  | { status: 'ready'; process: ChildProcess; link: ChildLink; watch: NodeJS.Timeout; detach: () => void }
  | { status: 'backoff'; timer: NodeJS.Timeout; delayMs: number }
  | { status: 'stopping'; process: ChildProcess; force: NodeJS.Timeout }
  | { status: 'failed'; reason: string; at: string };

/** The orchestrator's secrets never reach a child through its inherited environment. */
const SECRET_ENV = /TOKEN|SECRET|PASSWORD|PASSPHRASE|CREDENTIAL|API_KEY|PRIVATE|^ENCRYPTION_KEY$|^JWT_|^DATABASE_|^PG/i;

function inheritedEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !SECRET_ENV.test(e[0])),
  );
}

export interface SupervisedChildEvents {
  stateChange: [from: ChildStatus, to: ChildStatus];
}

/**
 * One supervised child process as a state machine:
 * stopped → starting (spawned, waiting for its hello) → ready (linked, heartbeating) → backoff (exited; restart
 * after an exponential delay) → starting …; `stopping` (SIGTERM, SIGKILL after the grace period) → stopped;
 * `failed` after `crashLoopCrashes` crashes within `crashLoopWindowMs` (no more restarts until `restart()`).
 * Each spawn gets a fresh credential; it is revoked when that process exits or is stopped.
 */
export class SupervisedChild extends EventEmitter<SupervisedChildEvents> {
  restarts = 0;
  lastExit: ChildExit | undefined;
  rssBytes: number | undefined;
  lastHeartbeatAt: number | undefined;
  startedAt: number | undefined;
  readySince: number | undefined;
  private state: ChildState = { status: 'stopped' };
  private readonly ring: LogRing;
  private readonly log: Logger;
  private url: string | undefined;
  private killReason: string | undefined;
  private restartRequested = false;
  private failures = 0;
  private crashes: number[] = [];
  private fatalReason: string | undefined;

  constructor(
    readonly spec: ChildSpec,
    private readonly policy: ChildPolicy,
    private readonly credentials: ChildCredentials,
    logger: Logger,
  ) {
    super();
    this.ring = new LogRing(policy.logLines);
    this.log = logger.child({ childId: spec.id, kind: spec.kind });
  }

  get id(): string {
    return this.spec.id;
  }

  private get heartbeatIntervalMs(): number {
    return this.spec.heartbeatIntervalMs ?? this.policy.heartbeatIntervalMs;
  }

  get status(): ChildStatus {
    return this.state.status;
  }

  get pid(): number | undefined {
    return 'process' in this.state ? this.state.process.pid : undefined;
  }

  /** Crashes inside the crash-loop window (the count that leads to `failed`). */
  get recentCrashes(): number {
    const since = Date.now() - this.policy.crashLoopWindowMs;
    return this.crashes.filter((at) => at >= since).length;
  }

  /** Why it is `failed` (a crash loop, or what the child reported before exiting). */
  get failureReason(): string | null {
    return this.state.status === 'failed' ? this.state.reason : null;
  }

  get failedAt(): string | null {
    return this.state.status === 'failed' ? this.state.at : null;
  }

  logs(): LogLine[] {
    return this.ring.list();
  }

  /** Spawns the child (dialing `url`) unless it already runs. */
  start(url: string): void {
    this.url = url;
    if (this.state.status === 'stopped') this.spawnChild();
  }

  /** Kills it for a fresh start (not counted as a crash); revives a `failed` or `stopped` child. */
  restart(reason = 'restart requested'): void {
    switch (this.state.status) {
      case 'failed':
      case 'stopped':
      case 'backoff':
        this.crashes = [];
        this.failures = 0;
        this.restarts++;
        this.note(`restarting: ${reason}`);
        return this.spawnChild();
      case 'starting':
      case 'ready':
        this.restartRequested = true;
        return this.kill(reason);
      case 'stopping':
        return;
    }
  }

  /** Graceful stop: SIGTERM, SIGKILL after the grace period; resolves once the process is gone. */
  async stop(): Promise<void> {
    const state = this.state;
    if (state.status === 'stopped') return;
    if (state.status === 'starting' || state.status === 'ready') this.terminate(state.process);
    else if (state.status !== 'stopping') {
      this.credentials.revoke(this.id);
      return this.setState({ status: 'stopped' });
    }
    await entersState(this, 'stopped', this.policy.stopGraceMs + 10_000);
  }

  /** Its hello arrived over a link authenticated with its current credential. */
  attach(link: ChildLink): void {
    const state = this.state;
    if (state.status !== 'starting' && state.status !== 'ready') return link.terminate('the child is not running');
    const onHeartbeat = (rssBytes: number) => this.onHeartbeat(rssBytes);
    const onFatal = (reason: string) => this.onFatal(reason);
    const onClose = () => this.onLinkClosed(link);
    link.on('heartbeat', onHeartbeat);
    link.on('fatal', onFatal);
    link.once('close', onClose);
    const detach = () => {
      link.off('heartbeat', onHeartbeat);
      link.off('fatal', onFatal);
      link.off('close', onClose);
    };
    this.lastHeartbeatAt = Date.now();
    this.readySince ??= Date.now();
    const watch = setInterval(() => this.checkHeartbeats(), this.heartbeatIntervalMs).unref();
    this.setState({ status: 'ready', process: state.process, link, watch, detach });
  }

  private setState(next: ChildState): void {
    const previous = this.state;
    this.dispose(previous, next);
    this.state = next;
    if (previous.status !== next.status) this.emit('stateChange', previous.status, next.status);
  }

  /** Releases what the old state held (timers, link listeners) that the new one does not keep. */
  private dispose(previous: ChildState, next: ChildState): void {
    if (previous.status === 'starting') clearTimeout(previous.handshake);
    if (previous.status === 'backoff') clearTimeout(previous.timer);
    if (previous.status === 'stopping') clearTimeout(previous.force);
    if (previous.status === 'ready' && (next.status !== 'ready' || next.link !== previous.link)) {
      clearInterval(previous.watch);
      previous.detach();
    }
  }

  private spawnChild(): void {
    if (this.url === undefined) return;
    const { spec } = this;
    this.killReason = undefined;
    this.fatalReason = undefined;
    this.restartRequested = false;
    this.readySince = undefined;
    this.rssBytes = undefined;
    const credential = this.credentials.issue(spec.id, spec.kind);
    const env = {
      ...inheritedEnv(),
      ...spec.env,
      ...{ [ChildEnv.url]: this.url, [ChildEnv.credential]: credential, [ChildEnv.id]: spec.id },
      ...{ [ChildEnv.kind]: spec.kind, [ChildEnv.exitOnDisconnect]: 'true' },
    };
    const child = spawn(spec.command, spec.args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.capture(child, 'stdout', child.stdout);
    this.capture(child, 'stderr', child.stderr);
    child.once('exit', (code, signal) => this.onExit(child, code, signal));
    child.once('error', (err) => {
      this.log.error({ err }, 'child process error');
      if (child.pid === undefined) this.onExit(child, null, null, `could not be spawned: ${err.message}`);
    });
    this.startedAt = Date.now();
    this.note(`spawned pid ${child.pid ?? '-'}`);
    const handshake = setTimeout(() => this.kill('no handshake in time'), spec.handshakeTimeoutMs);
    this.setState({ status: 'starting', process: child, handshake });
  }

  private capture(child: ChildProcess, stream: LogStream, input: Readable | null): void {
    if (!input) return;
    const out = stream === 'stdout' ? process.stdout : process.stderr;
    readline.createInterface({ input, crlfDelay: Infinity }).on('line', (raw) => {
      const entry = this.ring.push(stream, child.pid ?? null, raw);
      if (this.policy.forwardOutput) out.write(`${entry.line}\n`);
    });
  }

  private note(message: string): void {
    this.ring.push('supervisor', null, message);
  }

  private terminate(child: ChildProcess): void {
    this.killReason ??= 'stopped';
    const force = setTimeout(() => child.kill('SIGKILL'), this.policy.stopGraceMs);
    this.setState({ status: 'stopping', process: child, force });
    child.kill('SIGTERM'); // its link stays open for a graceful finish; the credential dies with the process
  }

  private kill(reason: string): void {
    const state = this.state;
    if (!('process' in state) || this.killReason !== undefined || state.process.exitCode !== null) return;
    this.killReason = reason;
    this.log.warn({ reason, pid: state.process.pid }, 'killing child process');
    this.note(`killing: ${reason}`);
    state.process.kill('SIGKILL');
  }

  private onHeartbeat(rssBytes: number): void {
    this.lastHeartbeatAt = Date.now();
    this.rssBytes = rssBytes;
    if (rssBytes > this.spec.memoryLimitBytes)
      this.kill(`memory limit exceeded (${Math.round(rssBytes / 1_048_576)} MB)`);
  }

  /** The child cannot go on (a revoked token): when it exits it is `failed` with this reason, not restarted. */
  private onFatal(reason: string): void {
    this.fatalReason = reason;
    this.note(`fatal: ${reason}`);
    this.log.error({ reason }, 'child process reported a fatal error');
  }

  private checkHeartbeats(): void {
    const allowedMs = this.heartbeatIntervalMs * (this.spec.missedHeartbeats ?? 5);
    if (Date.now() - (this.lastHeartbeatAt ?? 0) > allowedMs) this.kill('missed heartbeats');
  }

  /** The link went away but the process may live: it has the handshake timeout to say hello again. */
  private onLinkClosed(link: ChildLink): void {
    const state = this.state;
    if (state.status !== 'ready' || state.link !== link) return;
    const handshake = setTimeout(() => this.kill('link lost'), this.spec.handshakeTimeoutMs);
    this.setState({ status: 'starting', process: state.process, handshake });
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null, why?: string): void {
    const state = this.state;
    if (!('process' in state) || state.process !== child) return;
    this.credentials.revoke(this.id);
    const reason = why ?? this.killReason ?? 'exited';
    this.lastExit = { code, signal, reason, at: new Date().toISOString() };
    this.note(`exited (code ${code ?? '-'}, signal ${signal ?? '-'}): ${reason}`);
    if (state.status === 'stopping') return this.setState({ status: 'stopped' });
    if (this.restartRequested) return this.scheduleRestart(this.spec.backoffBaseMs ?? 250);
    if (this.fatalReason !== undefined) return this.fail(this.fatalReason);
    this.onCrash(reason);
  }

  private onCrash(reason: string): void {
    const now = Date.now();
    const stable = this.readySince !== undefined && now - this.readySince >= (this.spec.stableAfterMs ?? 60_000);
    this.crashes = [...this.crashes.filter((at) => at > now - this.policy.crashLoopWindowMs), now];
    if (this.crashes.length >= this.policy.crashLoopCrashes) return this.giveUp(reason);
    this.failures = stable ? 0 : this.failures + 1;
    const base = this.spec.backoffBaseMs ?? 250;
    this.scheduleRestart(Math.min(this.spec.backoffMaxMs, base * 2 ** Math.max(0, this.failures - 1)));
  }

  private scheduleRestart(delayMs: number): void {
    const { lastExit } = this;
    this.log.warn(
      { code: lastExit?.code, signal: lastExit?.signal, reason: lastExit?.reason, delayMs },
      'child exited; restarting',
    );
    this.restarts++;
    this.note(`restarting in ${delayMs} ms`);
    this.setState({ status: 'backoff', timer: setTimeout(() => this.spawnChild(), delayMs), delayMs });
  }

  private giveUp(reason: string): void {
    const { crashLoopCrashes, crashLoopWindowMs } = this.policy;
    const message = `crash loop: ${crashLoopCrashes} crashes within ${crashLoopWindowMs / 1000} s (last: ${reason}); not restarting`;
    this.log.error(
      { crashes: crashLoopCrashes, windowMs: crashLoopWindowMs, reason },
      'child process crash-looping; given up',
    );
    this.fail(message);
  }

  private fail(reason: string): void {
    this.note(reason);
    this.setState({ status: 'failed', reason, at: new Date().toISOString() });
  }
}
