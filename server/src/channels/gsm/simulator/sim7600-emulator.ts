import { EventEmitter } from 'node:events';
import { decodePdu, encodeStatusReport } from '../../../core/gsm/pdu.js';

/**
 * A SIM7600 as seen from its AT port: parses command text, answers in the module's dialect and raises
 * URCs. Used by the PTY simulator (tests, dev) and by the built-in simulated modem (no hardware).
 */

export interface EmulatorScenario {
  /** AT+CPCMREG=1 answers ERROR until AT+CRESET. */
  cpcmregFailsUntilReset: boolean;
  /** Puts a URC between the lines of every multi-line response. */
  interleaveUrcs: boolean;
  /** Adds garbage lines before responses. */
  garble: boolean;
  /** Delay before each output write, and writes split into small pieces. */
  slowMs: number;
  /** Outgoing calls are answered by the remote party after this many ms (null: never). */
  remoteAnswerMs: number | null;
  ringIntervalMs: number;
  resetDelayMs: number;
  /**
   * AT+CRESET drops the module off USB, as real hardware does: its ports vanish right after the OK and
   * re-appear after this many ms (the boot then completes resetDelayMs later). null: the ports stay.
   */
  resetDropsPortsMs: number | null;
  /** Whether the network reports delivery of sent SMS. */
  deliveryReports: boolean;
  /** Commands matching this are never answered (a module stalled at that point). */
  stallOn: RegExp | null;
}

export const DEFAULT_SCENARIO: EmulatorScenario = {
  cpcmregFailsUntilReset: false,
  interleaveUrcs: false,
  garble: false,
  slowMs: 0,
  remoteAnswerMs: 300,
  ringIntervalMs: 1000,
  resetDelayMs: 300,
  resetDropsPortsMs: null,
  deliveryReports: true,
  stallOn: null,
};

interface EmulatedCall {
  direction: 0 | 1;
  /** +CLCC stat: 0 active, 2 dialing, 3 alerting, 4 incoming, 6 disconnected. */
  stat: number;
  number: string;
}

export interface SentSms {
  to: string;
  text: string;
  concat: { reference: number; total: number; sequence: number } | null;
  messageReference: number;
}

export interface EmulatorEvents {
  output: [text: string];
  /** Every command line, before it is answered. */
  command: [line: string];
  'audio-start': [sampleRateHz: number];
  'audio-stop': [];
  reset: [];
  /** AT+CRESET with `resetDropsPortsMs`: the ports should vanish now and come back after `ms`. */
  'usb-drop': [ms: number];
  'sms-sent': [sms: SentSms];
  dtmf: [digit: string];
}

const CTRL_Z = '\u001a';
const ESC = '\u001b';

function firstIndexOf(text: string, ...needles: string[]): number {
  const found = needles.map((n) => text.indexOf(n)).filter((i) => i >= 0);
  return found.length ? Math.min(...found) : -1;
}

/** The simulator side of the wire. */
export class Sim7600Emulator extends EventEmitter<EmulatorEvents> {
  scenario: EmulatorScenario;
  readonly storage = new Map<number, { pdu: string; read: boolean }>();
  readonly commands: string[] = [];
  readonly sentSms: SentSms[] = [];
  readonly dtmfSent: string[] = [];
  call: EmulatedCall | null = null;
  pcmRateHz = 8000;
  audioActive = false;
  cpcmregCycles = 0;
  resets = 0;
  private input = '';
  private promptFor: number | null = null;
  private ringTimer: ReturnType<typeof setInterval> | null = null;
  private timers = new Set<ReturnType<typeof setTimeout>>();
  private outputChain = Promise.resolve();
  private echo = true;
  private messageReference = 0;
  private booting = false;

  constructor(scenario: Partial<EmulatorScenario> = {}) {
    super();
    this.scenario = { ...DEFAULT_SCENARIO, ...scenario };
  }

  /** Bytes from the host. */
  receive(text: string): void {
    this.input += text;
    for (;;) {
      if (this.promptFor !== null) {
        const end = firstIndexOf(this.input, CTRL_Z, ESC);
        if (end < 0) return;
        const payload = this.input.slice(0, end).trim();
        const cancelled = this.input[end] === ESC;
        this.input = this.input.slice(end + 1);
        this.promptFor = null;
        if (!cancelled) this.onSubmit(payload);
        continue;
      }
      const cr = this.input.search(/[\r\n]/);
      if (cr < 0) return;
      const line = this.input.slice(0, cr).trim();
      this.input = this.input.slice(cr + 1);
      if (line) this.onCommand(line);
    }
  }

  /** An incoming call: RING and +CLIP every ringIntervalMs until answered or hung up. */
  incomingCall(number: string): void {
    this.call = { direction: 1, stat: 4, number };
    const ring = () => this.urc(`RING\r\n\r\n+CLIP: "${number}",145,"",0,"",0`);
    ring();
    this.ringTimer = setInterval(ring, this.scenario.ringIntervalMs);
  }

  /** The remote party hangs up. */
  remoteHangup(): void {
    if (!this.call) return;
    this.endCall();
    this.urc('NO CARRIER');
  }

  /** The remote party presses a key. */
  remoteDtmf(digit: string): void {
    this.urc(`+RXDTMF: ${digit}`);
  }

  /** An SMS arrives from the network: stored on the SIM, announced with +CMTI. */
  deliverSms(pdu: string): number {
    let index = 0;
    while (this.storage.has(index)) index++;
    this.storage.set(index, { pdu, read: false });
    this.urc(`+CMTI: "SM",${index}`);
    return index;
  }

  /** Stores an SMS on the SIM without telling anyone (a message that arrived while the host was down). */
  storeSms(pdu: string): number {
    let index = 0;
    while (this.storage.has(index)) index++;
    this.storage.set(index, { pdu, read: false });
    return index;
  }

  /** Sends an unsolicited line (e.g. a URC) to the host. */
  urc(text: string): void {
    this.out(`\r\n${text}\r\n`);
  }

  dispose(): void {
    if (this.ringTimer) clearInterval(this.ringTimer);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private out(text: string): void {
    const { slowMs } = this.scenario;
    if (slowMs <= 0) {
      this.emit('output', text);
      return;
    }
    this.outputChain = this.outputChain.then(async () => {
      for (let i = 0; i < text.length; i += 7) {
        await new Promise((resolve) => setTimeout(resolve, slowMs));
        this.emit('output', text.slice(i, i + 7));
      }
    });
  }

  private respond(lines: string[], final = 'OK'): void {
    let body = '';
    if (this.scenario.garble) body += '\r\n\u0000\u00ff#~garbled~#\r\n+CSQ 9\r\n';
    lines.forEach((line, i) => {
      body += `\r\n${line}\r\n`;
      if (this.scenario.interleaveUrcs && i === 0) body += '\r\n+CGEV: ME PDN ACT 1\r\n';
    });
    if (this.scenario.interleaveUrcs && lines.length === 0) body += '\r\n+CGEV: ME PDN ACT 1\r\n';
    this.out(`${body}\r\n${final}\r\n`);
  }

  private onCommand(line: string): void {
    this.commands.push(line);
    this.emit('command', line);
    if (this.echo) this.out(`${line}\r`);
    if (this.booting || this.scenario.stallOn?.test(line)) return; // a rebooting or stalled module does not answer
    const upper = line.toUpperCase();
    const handled = this.basic(upper) ?? this.calls(upper, line) ?? this.sms(upper) ?? this.setters(upper);
    if (!handled) this.respond([], 'ERROR');
  }

  private basic(cmd: string): true | null {
    const answers: Record<string, string[]> = {
      AT: [],
      ATI: ['Manufacturer: SIMCOM INCORPORATED', 'Model: SIMCOM_SIM7600E-H', 'Revision: SIM7600M22_V2.0'],
      'AT+CGMR': ['+CGMR: LE20B04SIM7600M22'],
      'AT+CPIN?': ['+CPIN: READY'],
      'AT+CSQ': ['+CSQ: 23,99'],
      'AT+CREG?': ['+CREG: 0,1'],
      'AT+CEREG?': ['+CEREG: 0,1'],
      'AT+COPS?': ['+COPS: 0,0,"SimNet",7'],
      'AT+CNUM': ['+CNUM: "","+15550001111",145'],
      'AT+CCID': ['+ICCID: 8970100000000000001'],
      'AT+CPCMFRM?': [`+CPCMFRM: ${this.pcmRateHz === 16000 ? 1 : 0}`],
    };
    if (cmd === 'ATE0' || cmd === 'ATE1') {
      this.echo = cmd === 'ATE1';
      this.respond([]);
      return true;
    }
    if (cmd === 'AT+CRESET') return this.reset();
    const lines = answers[cmd];
    if (!lines) return null;
    this.respond(lines);
    return true;
  }

  private reset(): true {
    this.respond([]);
    this.booting = true;
    this.resets++;
    if (this.call) this.endCall();
    const dropMs = this.scenario.resetDropsPortsMs;
    if (dropMs !== null) this.emit('usb-drop', dropMs);
    this.later(this.scenario.resetDelayMs + (dropMs ?? 0), () => {
      this.booting = false;
      this.echo = true;
      this.scenario.cpcmregFailsUntilReset = false;
      this.emit('reset');
      this.urc('RDY');
      this.urc('+CPIN: READY');
      this.urc('SMS DONE');
      this.urc('PB DONE');
    });
    return true;
  }

  private clcc(): string {
    const c = this.call as EmulatedCall;
    return `+CLCC: 1,${c.direction},${c.stat},0,0,"${c.number}",145`;
  }

  private setCallStat(stat: number): void {
    if (!this.call) return;
    this.call.stat = stat;
    this.urc(this.clcc());
  }

  private endCall(): void {
    if (this.ringTimer) clearInterval(this.ringTimer);
    this.ringTimer = null;
    if (this.audioActive) this.stopAudio();
    this.setCallStat(6);
    this.urc('VOICE CALL: END: 000010');
    this.call = null;
  }

  private calls(cmd: string, raw: string): true | null {
    if (cmd === 'ATA') return this.answer();
    if (cmd.startsWith('ATD')) return this.dial(raw.slice(3).replace(/;$/, ''));
    if (cmd === 'ATH' || cmd === 'AT+CHUP') {
      this.respond([]);
      if (this.call) this.endCall();
      return true;
    }
    if (cmd === 'AT+CLCC') {
      this.respond(this.call ? [this.clcc()] : []);
      return true;
    }
    if (cmd.startsWith('AT+VTS=')) {
      const digit = cmd.slice(7).replace(/"/g, '');
      this.dtmfSent.push(digit);
      this.emit('dtmf', digit);
      this.respond([]);
      return true;
    }
    if (cmd === 'AT+CPCMREG=1' || cmd === 'AT+CPCMREG=0') return this.cpcmreg(cmd.endsWith('1'));
    return null;
  }

  private answer(): true {
    if (!this.call || this.call.stat !== 4) {
      this.respond([], 'NO CARRIER');
      return true;
    }
    if (this.ringTimer) clearInterval(this.ringTimer);
    this.ringTimer = null;
    this.respond([]);
    this.urc('VOICE CALL: BEGIN');
    this.setCallStat(0);
    return true;
  }

  private dial(number: string): true {
    if (this.call || !/^\+?[0-9*#]{1,20}$/.test(number)) {
      this.respond([], this.call ? 'BUSY' : 'ERROR');
      return true;
    }
    this.call = { direction: 0, stat: 2, number };
    this.respond([]);
    this.urc(this.clcc());
    this.later(50, () => this.setCallStat(3));
    const answerMs = this.scenario.remoteAnswerMs;
    if (answerMs !== null) {
      this.later(answerMs, () => {
        if (this.call?.stat !== 3) return;
        this.urc('VOICE CALL: BEGIN');
        this.setCallStat(0);
      });
    }
    return true;
  }

  private cpcmreg(on: boolean): true {
    if (on && (this.scenario.cpcmregFailsUntilReset || this.call?.stat !== 0)) {
      this.respond([], 'ERROR');
      return true;
    }
    this.respond([]);
    if (on && !this.audioActive) {
      this.audioActive = true;
      this.emit('audio-start', this.pcmRateHz);
    } else if (!on && this.audioActive) {
      this.stopAudio();
    }
    return true;
  }

  private stopAudio(): void {
    this.audioActive = false;
    this.cpcmregCycles++;
    this.emit('audio-stop');
  }

  private sms(cmd: string): true | null {
    const read = /^AT\+CMGR=(\d+)$/.exec(cmd);
    if (read) {
      const entry = this.storage.get(Number(read[1]));
      if (!entry) this.respond([], '+CMS ERROR: 321');
      else {
        entry.read = true;
        this.respond([`+CMGR: 1,,${entry.pdu.length / 2 - 1}`, entry.pdu]);
      }
      return true;
    }
    if (/^AT\+CMGL=\d$/.test(cmd)) {
      const lines: string[] = [];
      for (const [index, entry] of this.storage)
        lines.push(`+CMGL: ${index},${entry.read ? 1 : 0},,${entry.pdu.length / 2 - 1}`, entry.pdu);
      this.respond(lines);
      return true;
    }
    const del = /^AT\+CMGD=(\d+)(,\d)?$/.exec(cmd);
    if (del) {
      this.storage.delete(Number(del[1]));
      this.respond([]);
      return true;
    }
    const send = /^AT\+CMGS=(\d+)$/.exec(cmd);
    if (send) {
      this.promptFor = Number(send[1]);
      this.out('\r\n> ');
      return true;
    }
    return null;
  }

  private onSubmit(payload: string): void {
    let decoded: SentSms;
    try {
      decoded = this.decodeSubmit(payload);
    } catch {
      this.respond([], '+CMS ERROR: 304');
      return;
    }
    this.sentSms.push(decoded);
    this.emit('sms-sent', decoded);
    this.respond([`+CMGS: ${decoded.messageReference}`]);
    if (this.scenario.deliveryReports) {
      const pdu = encodeStatusReport({
        messageReference: decoded.messageReference,
        recipient: decoded.to,
        statusCode: 0,
        atMs: Date.now(),
      });
      this.later(100, () => this.urc(`+CDS: ${pdu.length / 2 - 1}\r\n${pdu}`));
    }
  }

  /** Reads an SMS-SUBMIT by re-labelling it as a DELIVER (same layout after the MR and VP fields). */
  private decodeSubmit(hex: string): SentSms {
    const bytes = Buffer.from(hex, 'hex');
    const scaLength = bytes[0] ?? 0;
    const tpdu = bytes.subarray(1 + scaLength);
    const first = tpdu[0] ?? 0;
    const addressDigits = tpdu[2] ?? 0;
    const addressEnd = 3 + 1 + Math.ceil(addressDigits / 2);
    const hasVp = (first & 0x18) === 0x10;
    const deliver = Buffer.concat([
      Buffer.from([0x00, (first & 0x40) | 0x04]),
      tpdu.subarray(2, addressEnd + 2),
      Buffer.alloc(7),
      tpdu.subarray(addressEnd + 2 + (hasVp ? 1 : 0)),
    ]);
    const parsed = decodePdu(deliver.toString('hex'));
    if (parsed.type !== 'deliver') throw new Error('not a submit');
    this.messageReference = (this.messageReference + 1) % 256;
    return { to: parsed.sender, text: parsed.text, concat: parsed.concat, messageReference: this.messageReference };
  }

  private setters(cmd: string): true | null {
    const frm = /^AT\+CPCMFRM=([01])$/.exec(cmd);
    if (frm) this.pcmRateHz = frm[1] === '1' ? 16000 : 8000;
    if (!/^AT(\+[A-Z]+=.*|&F|Z|V1|Q0)$/.test(cmd)) return null;
    this.respond([]);
    return true;
  }
}
