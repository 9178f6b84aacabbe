import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { Logger } from 'pino';
import { ConflictError, GsmUnavailableError, NotFoundError, ValidationError } from '../../errors.js';
import { newId } from '../ids.js';
import { parseArgs } from './at-driver.js';
import type { Urc } from './at-lines.js';
import { CallBridge } from './call-bridge.js';
import type { CallDecision } from './call-policy.js';
import type { Modem } from './modem.js';
import type { GsmCallRecord, GsmCallStore } from './store-types.js';
import { repairWav } from './wav-recorder.js';
import type { CallAudioHandler, CallDirection, CallHandlerOutput, PcmAudioPort } from './types.js';

export interface CallManagerOptions {
  modem: Modem;
  store: GsmCallStore;
  handler: CallAudioHandler;
  openAudioPort(sampleRateHz: number): Promise<PcmAudioPort>;
  pcmRateHz: 8000 | 16000;
  answerAfterRings: number;
  policy(number: string | null, atMs: number): CallDecision;
  dataDir: string;
  logger: Logger;
  clock?: () => number;
  onFrame?(atMs: number, silent: boolean): void;
}

interface ActiveCall {
  record: GsmCallRecord;
  rings: number;
  firstRingAtMs: number;
  decided: boolean;
  bridge: CallBridge | null;
  port: PcmAudioPort | null;
  ending: boolean;
  audioFailed: boolean;
  /** The call's database writes, in order: URC handlers run concurrently, and an update must never
   * overtake the insert (on PostgreSQL it would then change no row, e.g. the +CLIP number). */
  writes: Promise<unknown>;
}

export interface CallManagerEvents {
  callEnded: [record: GsmCallRecord];
  callStarted: [record: GsmCallRecord];
}

const NUMBER = /^\+?[0-9]{3,20}$/;

/** Incoming and outgoing voice calls: policy, answering, the audio bridge, DTMF and call records. */
export class CallManager extends EventEmitter<CallManagerEvents> {
  private call: ActiveCall | null = null;
  private readonly clock: () => number;
  private pendingReset = false;

  constructor(private readonly options: CallManagerOptions) {
    super();
    this.clock = options.clock ?? Date.now;
    options.modem.on('urc', (urc) => void this.onUrc(urc).catch((e: unknown) => this.logError(e)));
    options.modem.on('stateChange', (_, to) => {
      if ((to === 'absent' || to === 'resetting' || to === 'closed') && this.call) void this.end('modem lost');
    });
  }

  /**
   * Closes what a crash left open (run once at start, before the modem): calls still ringing, dialing or
   * active end as `interrupted`, and their recordings get headers that match the audio they hold.
   */
  async recoverInterrupted(): Promise<GsmCallRecord[]> {
    const open = await this.options.store.listOpen();
    const endedAt = this.clock();
    for (const record of open) {
      const status = record.status === 'active' ? 'ended' : record.direction === 'incoming' ? 'missed' : 'failed';
      for (const file of [record.recordingCaller, record.recordingSecretary])
        if (file !== null) repairWav(path.join(this.options.dataDir, file));
      await this.options.store.update(record.id, { status, endReason: 'interrupted', endedAt });
      Object.assign(record, { status, endReason: 'interrupted', endedAt });
    }
    if (open.length > 0) this.options.logger.warn({ calls: open.length }, 'gsm calls left open by a crash closed');
    return open;
  }

  get current(): GsmCallRecord | null {
    return this.call ? { ...this.call.record } : null;
  }

  async dial(number: string, task: string | null): Promise<GsmCallRecord> {
    if (!NUMBER.test(number)) throw new ValidationError('number must be digits with an optional leading +');
    if (this.call) throw new ConflictError('A call is already in progress', 'GSM_BUSY');
    if (this.options.modem.state !== 'ready') throw new GsmUnavailableError(`Modem is ${this.options.modem.state}`);
    const record = this.newRecord('outgoing', number, 'dialing', task);
    this.call = this.newActive(record);
    await this.write(this.call, () => this.options.store.insert({ ...record }));
    try {
      await this.options.modem.send(`ATD${number};`, { timeoutMs: 20_000 });
    } catch (error) {
      await this.finish('dial failed', 'failed');
      throw error;
    }
    return { ...record };
  }

  async answer(id: string): Promise<void> {
    const call = this.requireCall(id);
    if (call.record.direction !== 'incoming' || call.record.status !== 'ringing')
      throw new ConflictError('Call is not ringing');
    call.decided = true;
    await this.options.modem.send('ATA', { timeoutMs: 10_000 });
  }

  async hangup(id: string): Promise<void> {
    this.requireCall(id);
    await this.end('hung up by operator');
  }

  async sendDtmf(id: string, digits: string): Promise<void> {
    if (!/^[0-9*#A-D]{1,32}$/.test(digits)) throw new ValidationError('digits must be 0-9, *, #, A-D');
    const call = this.requireCall(id);
    if (call.record.status !== 'active') throw new ConflictError('Call is not active');
    for (const digit of digits) await this.options.modem.send(`AT+VTS=${digit}`);
  }

  private requireCall(id: string): ActiveCall {
    if (!this.call || this.call.record.id !== id) throw new NotFoundError('Active call');
    return this.call;
  }

  private newRecord(
    direction: CallDirection,
    number: string | null,
    status: GsmCallRecord['status'],
    task: string | null,
  ): GsmCallRecord {
    return {
      id: newId(),
      direction,
      number,
      status,
      task,
      startedAt: this.clock(),
      answeredAt: null,
      endedAt: null,
      endReason: null,
      dtmf: '',
      transcript: [],
      metrics: {},
      recordingCaller: null,
      recordingSecretary: null,
    };
  }

  /** Runs a database write for the call after the ones already queued for it. */
  private write(call: ActiveCall, operation: () => Promise<unknown>): Promise<unknown> {
    const next = call.writes.then(operation);
    call.writes = next.catch(() => undefined);
    return next;
  }

  private newActive(record: GsmCallRecord): ActiveCall {
    return {
      record,
      rings: 0,
      firstRingAtMs: performance.now(),
      decided: false,
      writes: Promise.resolve(),
      bridge: null,
      port: null,
      ending: false,
      audioFailed: false,
    };
  }

  private async onUrc(urc: Urc): Promise<void> {
    switch (urc.name) {
      case 'RING':
        return this.onRing(null);
      case '+CLIP':
        return this.onRing(parseArgs(urc.args)[0] || null, true);
      case '+CLCC':
        return this.onClcc(parseArgs(urc.args));
      case 'NO CARRIER':
      case 'BUSY':
      case 'NO ANSWER':
      case 'VOICE CALL: END':
      case 'VOICE CALL':
        if (urc.name === 'VOICE CALL' && !urc.args.startsWith('END')) return;
        if (this.call && !this.call.ending)
          await this.end(urc.name === 'BUSY' || urc.name === 'NO ANSWER' ? urc.name.toLowerCase() : 'remote hung up');
        return;
      case '+RXDTMF':
        return this.onDtmf(urc.args.trim());
      default:
        return;
    }
  }

  private async onRing(number: string | null, clipOnly = false): Promise<void> {
    if (!this.call) {
      const record = this.newRecord('incoming', number, 'ringing', null);
      this.call = this.newActive(record);
      await this.write(this.call, () => this.options.store.insert({ ...record }));
      this.emit('callStarted', { ...record });
    }
    const call = this.call;
    if (call.record.direction !== 'incoming' || call.record.status !== 'ringing') return;
    if (number && !call.record.number) {
      call.record.number = number;
      await this.write(call, () => this.options.store.update(call.record.id, { number }));
    }
    if (!clipOnly) call.rings++;
    await this.decide(call);
  }

  private async decide(call: ActiveCall): Promise<void> {
    if (call.decided || call.rings < this.options.answerAfterRings) return;
    if (call.record.number === null && call.rings < this.options.answerAfterRings + 1) return; // wait for +CLIP
    call.decided = true;
    const decision = this.options.policy(call.record.number, this.clock());
    this.options.logger.info({ callId: call.record.id, decision }, 'gsm incoming call');
    if (decision === 'answer') await this.options.modem.send('ATA', { timeoutMs: 10_000 });
    else if (decision === 'reject') await this.finish('blocked', 'rejected', true);
    else call.record.endReason = 'not answered (policy)';
  }

  private async onClcc(args: string[]): Promise<void> {
    const stat = Number(args[2]);
    const call = this.call;
    if (!call) return;
    if (stat === 0 && call.record.status !== 'active') await this.onActive(call);
    else if (stat === 6 && !call.ending) await this.end('remote hung up');
  }

  private async onActive(call: ActiveCall): Promise<void> {
    call.record.status = 'active';
    call.record.answeredAt = this.clock();
    this.options.modem.setInCall(true);
    const answeredAt = call.record.answeredAt;
    await this.write(call, () => this.options.store.update(call.record.id, { status: 'active', answeredAt }));
    try {
      call.port = await this.options.openAudioPort(this.options.pcmRateHz);
      await this.options.modem.send('AT+CPCMREG=1');
    } catch (error) {
      this.options.logger.warn({ callId: call.record.id, err: error }, 'gsm audio start failed');
      call.audioFailed = true;
      this.options.modem.markAudioUnhealthy('CPCMREG=1 failed');
      this.pendingReset = true;
      await this.end('audio failed');
      return;
    }
    if (this.call !== call || call.ending) return;
    this.startBridge(call, call.port);
  }

  private startBridge(call: ActiveCall, port: PcmAudioPort): void {
    const id = call.record.id;
    const bridge = new CallBridge({
      port,
      handler: this.options.handler,
      session: {
        callId: id,
        direction: call.record.direction,
        remoteNumber: call.record.number,
        task: call.record.task,
      },
      recordingsDir: this.options.dataDir,
      logger: this.options.logger.child({ callId: id }),
      hooks: {
        onOutput: (event) => this.onHandlerOutput(call, event),
        onFirstAudio: () =>
          (call.record.metrics.ringToFirstAudioMs = Math.round(performance.now() - call.firstRingAtMs)),
        onFrame: (atMs, silent) => this.options.onFrame?.(atMs, silent),
        onUplinkStall: () => {
          this.options.modem.markAudioUnhealthy('uplink stalled');
          this.pendingReset = true;
        },
        onHandlerEnd: (reason) => void this.end(reason).catch((e: unknown) => this.logError(e)),
      },
    });
    call.bridge = bridge;
    const recordings = { recordingCaller: bridge.recordingCaller, recordingSecretary: bridge.recordingSecretary };
    Object.assign(call.record, recordings);
    void this.write(call, () => this.options.store.update(id, recordings)).catch((e: unknown) => this.logError(e));
    bridge.start();
  }

  private onHandlerOutput(call: ActiveCall, event: Exclude<CallHandlerOutput, { type: 'audio' }>): void {
    if (event.type === 'transcript') {
      call.record.transcript.push({ role: event.role, text: event.text, atMs: event.atMs });
      // Stored as it happens: a crash keeps what was said.
      const transcript = [...call.record.transcript];
      void this.write(call, () => this.options.store.update(call.record.id, { transcript })).catch((e: unknown) =>
        this.logError(e),
      );
    } else if (event.type === 'metric') call.record.metrics[event.name] = event.valueMs;
  }

  private onDtmf(digit: string): void {
    if (!this.call || !digit) return;
    this.call.record.dtmf += digit;
    this.call.bridge?.dtmf.push(digit);
  }

  /** Hangs up (if still connected) and stores the final record. */
  private async end(reason: string): Promise<void> {
    const call = this.call;
    if (!call || call.ending) return;
    const status =
      call.record.status === 'active' ? 'ended' : call.record.direction === 'incoming' ? 'missed' : 'failed';
    await this.finish(reason, call.audioFailed ? 'failed' : status, true);
  }

  private async finish(reason: string, status: GsmCallRecord['status'], hangup = false): Promise<void> {
    const call = this.call;
    if (!call || call.ending) return;
    call.ending = true;
    await call.bridge?.stop();
    if (hangup && this.options.modem.isUsable()) {
      await this.options.modem.send('AT+CPCMREG=0').catch(() => undefined);
      await this.options.modem.send('AT+CHUP').catch(() => undefined);
    }
    await call.port?.close().catch(() => undefined);
    call.record.status = status;
    call.record.endReason = call.record.endReason ?? reason;
    call.record.endedAt = this.clock();
    this.call = null;
    const { id, ...patch } = call.record;
    await this.write(call, () => this.options.store.update(id, patch));
    this.options.modem.setInCall(false);
    this.emit('callEnded', { ...call.record });
    if (this.pendingReset) {
      this.pendingReset = false;
      void this.options.modem.reset();
    }
  }

  private logError(error: unknown): void {
    this.options.logger.error({ err: error }, 'gsm call handling failed');
  }
}
