import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { ValidationError } from '../../errors.js';
import { newId, sha256Hex } from '../ids.js';
import { parseArgs } from './at-driver.js';
import type { Urc } from './at-lines.js';
import type { Modem } from './modem.js';
import { decodePdu, encodeSms, PduError, type DeliverPdu, type StatusReportPdu } from './pdu.js';
import type { GsmSmsPartRecord, GsmSmsRecord, GsmSmsStore } from './store-types.js';

export interface SmsServiceOptions {
  modem: Modem;
  store: GsmSmsStore;
  logger: Logger;
  clock?: () => number;
}

export interface SendSmsOptions {
  /** Marks the message as an automatic reply (counted by the auto-reply limits). */
  autoReply?: boolean;
}

export interface SmsServiceEvents {
  received: [message: GsmSmsRecord];
}

const MAX_TEXT = 1530; // 10 GSM-7 parts

/**
 * SMS in and out. A received part is committed to the database before AT+CMGD deletes it from the SIM,
 * and parts are keyed by the hash of their PDU, so a crash anywhere in between never loses or doubles one.
 */
export class SmsService extends EventEmitter<SmsServiceEvents> {
  private chain: Promise<unknown> = Promise.resolve();
  private readonly clock: () => number;
  private reference = Math.floor(Math.random() * 256);

  constructor(private readonly options: SmsServiceOptions) {
    super();
    this.clock = options.clock ?? Date.now;
    options.modem.on('urc', (urc) => this.onUrc(urc));
    options.modem.on('ready', () => void this.serial(() => this.sweepSim()));
  }

  /** Runs SIM work one job at a time (reads, deletes and sends share the modem). */
  private serial<T>(job: () => Promise<T>): Promise<T> {
    const next = this.chain.then(job, job);
    this.chain = next.catch((e: unknown) => this.options.logger.warn({ err: e }, 'gsm sms job failed'));
    return next;
  }

  private onUrc(urc: Urc): void {
    if (urc.name === '+CMTI') {
      const index = Number(parseArgs(urc.args)[1]);
      if (Number.isInteger(index)) void this.serial(() => this.ingestIndex(index));
    } else if (urc.name === '+CMT' && urc.pdu) {
      void this.serial(() => this.ingestPdu(urc.pdu as string));
    } else if (urc.name === '+CDS' && urc.pdu) {
      void this.serial(() => this.onStatusReport(urc.pdu as string));
    }
  }

  /** Reads every message still on the SIM (after start or a reconnect) and assembles what is complete. */
  async sweepSim(): Promise<void> {
    const list = await this.options.modem.send('AT+CMGL=4', { timeoutMs: 20_000 });
    for (let i = 0; i < list.lines.length; i++) {
      const line = list.lines[i] as string;
      if (!line.startsWith('+CMGL:')) continue;
      const index = Number(parseArgs(line)[0]);
      const pdu = list.lines[i + 1];
      if (pdu === undefined || !Number.isInteger(index)) continue;
      await this.commitThenDelete(index, pdu);
    }
    await this.assemblePending();
  }

  private async ingestIndex(index: number): Promise<void> {
    const response = await this.options.modem.send(`AT+CMGR=${index}`);
    const pdu = response.lines.find((l) => /^[0-9A-F]+$/i.test(l) && l.length > 10);
    if (!pdu) return;
    await this.commitThenDelete(index, pdu);
  }

  /** Part committed (and its message assembled when complete) before the SIM copy is deleted. */
  private async commitThenDelete(index: number, pdu: string): Promise<void> {
    await this.ingestPdu(pdu);
    await this.assemblePending();
    await this.options.modem.send(`AT+CMGD=${index}`);
  }

  /** Stores one received PDU as a part (idempotent). Undecodable PDUs are kept as text so nothing is lost. */
  async ingestPdu(pdu: string): Promise<void> {
    const hash = sha256Hex(pdu.toUpperCase());
    if (await this.options.store.findPartByHash(hash)) return;
    let decoded: DeliverPdu | StatusReportPdu;
    try {
      decoded = decodePdu(pdu);
    } catch (error) {
      if (!(error instanceof PduError)) throw error;
      decoded = {
        type: 'deliver',
        sender: 'unknown',
        text: `[undecodable PDU ${pdu.slice(0, 400)}]`,
        encoding: '8bit',
        sentAtMs: 0,
        concat: null,
      };
    }
    if (decoded.type === 'status-report') return this.applyStatusReport(decoded);
    const concat = decoded.concat;
    await this.options.store.insertPart({
      id: newId(),
      pduHash: hash,
      sender: decoded.sender,
      reference: concat?.reference ?? null,
      total: concat?.total ?? 1,
      sequence: concat?.sequence ?? 1,
      text: decoded.text,
      sentAtMs: decoded.sentAtMs,
      receivedAt: this.clock(),
      messageId: null,
    });
  }

  /** Turns complete groups of pending parts into messages (in any arrival order; duplicate parts ignored). */
  async assemblePending(): Promise<void> {
    const groups = new Map<string, GsmSmsPartRecord[]>();
    for (const part of await this.options.store.pendingParts()) {
      const key = part.reference === null ? `single:${part.id}` : `${part.sender}|${part.reference}|${part.total}`;
      groups.set(key, [...(groups.get(key) ?? []), part]);
    }
    for (const parts of groups.values()) await this.assembleGroup(parts);
  }

  private async assembleGroup(parts: GsmSmsPartRecord[]): Promise<void> {
    const first = parts[0] as GsmSmsPartRecord;
    const bySequence = new Map<number, GsmSmsPartRecord>();
    for (const part of parts) if (!bySequence.has(part.sequence)) bySequence.set(part.sequence, part);
    if (bySequence.size < first.total) return;
    const ordered = [...bySequence.values()].sort((a, b) => a.sequence - b.sequence);
    const message: GsmSmsRecord = {
      id: newId(),
      direction: 'in',
      number: first.sender,
      text: ordered.map((p) => p.text).join(''),
      status: 'received',
      parts: first.total,
      messageRefs: [],
      deliveredParts: 0,
      error: null,
      createdAt: Math.max(...parts.map((p) => p.receivedAt)),
      sentAt: first.sentAtMs || null,
      deliveredAt: null,
      autoReply: null,
    };
    await this.options.store.assemble(
      message,
      parts.map((p) => p.id),
    );
    this.options.logger.info({ smsId: message.id, parts: message.parts }, 'gsm sms received');
    this.emit('received', message);
  }

  /** Sends a text (split and encoded automatically); the record is stored before the first part goes out. */
  async send(to: string, text: string, options: SendSmsOptions = {}): Promise<GsmSmsRecord> {
    if (!/^\+?[0-9]{3,20}$/.test(to)) throw new ValidationError('to must be digits with an optional leading +');
    if (text.length === 0 || text.length > MAX_TEXT)
      throw new ValidationError(`text must be 1..${MAX_TEXT} characters`);
    this.reference = (this.reference + 1) % 256;
    const pdus = encodeSms(to, text, this.reference);
    const record: GsmSmsRecord = {
      id: newId(),
      direction: 'out',
      number: to,
      text,
      status: 'pending',
      parts: pdus.length,
      messageRefs: [],
      deliveredParts: 0,
      error: null,
      createdAt: this.clock(),
      sentAt: null,
      deliveredAt: null,
      autoReply: options.autoReply ? 'reply' : null,
    };
    await this.options.store.insertMessage(record);
    return this.serial(() => this.transmit(record, pdus));
  }

  private async transmit(record: GsmSmsRecord, pdus: ReturnType<typeof encodeSms>): Promise<GsmSmsRecord> {
    try {
      for (const pdu of pdus) {
        const response = await this.options.modem.send(`AT+CMGS=${pdu.tpduLength}`, {
          payload: pdu.hex,
          timeoutMs: 60_000,
        });
        const mr = Number(parseArgs(response.lines.find((l) => l.startsWith('+CMGS')) ?? '')[0]);
        if (Number.isInteger(mr)) record.messageRefs.push(mr);
      }
      Object.assign(record, { status: 'sent', sentAt: this.clock() });
    } catch (error) {
      Object.assign(record, { status: 'failed', error: error instanceof Error ? error.message : 'send failed' });
    }
    const { id, ...patch } = record;
    await this.options.store.updateMessage(id, patch);
    return { ...record };
  }

  private async onStatusReport(pdu: string): Promise<void> {
    try {
      const decoded = decodePdu(pdu);
      if (decoded.type === 'status-report') await this.applyStatusReport(decoded);
    } catch (error) {
      if (!(error instanceof PduError)) throw error;
    }
  }

  private async applyStatusReport(report: StatusReportPdu): Promise<void> {
    const digits = (n: string) => n.replace(/\D/g, '').slice(-9);
    const candidates = await this.options.store.awaitingDelivery(50);
    const message = candidates.find(
      (m) => m.messageRefs.includes(report.messageReference) && digits(m.number) === digits(report.recipient),
    );
    if (!message) return;
    if (report.status === 'failed') {
      await this.options.store.updateMessage(message.id, {
        status: 'failed',
        error: `delivery failed (status ${report.statusCode})`,
      });
      return;
    }
    if (report.status !== 'delivered') return;
    const deliveredParts = message.deliveredParts + 1;
    const done = deliveredParts >= message.parts;
    await this.options.store.updateMessage(message.id, {
      deliveredParts,
      ...(done ? { status: 'delivered', deliveredAt: this.clock() } : {}),
    });
  }
}
