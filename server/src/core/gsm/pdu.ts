import { fromSeptets, packSeptets, toSeptets, unpackSeptets } from './gsm7.js';

/** SMS PDU codec (3GPP TS 23.040): SMS-SUBMIT out, SMS-DELIVER and SMS-STATUS-REPORT in. */

export type SmsEncoding = 'gsm7' | 'ucs2';

export interface ConcatInfo {
  reference: number;
  total: number;
  sequence: number;
}

export interface SubmitPdu {
  /** Hex PDU with an empty SMSC field (`00`), as written after the `> ` prompt. */
  hex: string;
  /** TPDU length in octets (without the SMSC field), the argument of `AT+CMGS=`. */
  tpduLength: number;
}

export interface DeliverPdu {
  type: 'deliver';
  sender: string;
  text: string;
  encoding: SmsEncoding | '8bit';
  /** Service centre time stamp, epoch ms. */
  sentAtMs: number;
  concat: ConcatInfo | null;
}

export interface StatusReportPdu {
  type: 'status-report';
  messageReference: number;
  recipient: string;
  status: 'delivered' | 'pending' | 'failed';
  statusCode: number;
}

export class PduError extends Error {}

const SINGLE_LIMITS = { gsm7: 160, ucs2: 70 } as const;
const PART_LIMITS = { gsm7: 153, ucs2: 67 } as const;

/** Splits a text into parts that each fit one SMS, choosing GSM-7 when possible (never splits an escape or a surrogate pair). */
export function planSms(text: string): { encoding: SmsEncoding; parts: string[] } {
  const encoding: SmsEncoding = toSeptets(text) === null ? 'ucs2' : 'gsm7';
  if (unitCount(text, encoding) <= SINGLE_LIMITS[encoding]) return { encoding, parts: [text] };
  const parts: string[] = [];
  let current = '';
  for (const ch of text) {
    if (unitCount(current + ch, encoding) > PART_LIMITS[encoding]) {
      parts.push(current);
      current = '';
    }
    current += ch;
  }
  if (current) parts.push(current);
  return { encoding, parts };
}

function unitCount(text: string, encoding: SmsEncoding): number {
  return encoding === 'gsm7' ? (toSeptets(text)?.length ?? Infinity) : text.length;
}

function encodeAddress(number: string): string {
  const international = number.startsWith('+');
  const digits = number.replace(/[^0-9]/g, '');
  if (digits.length === 0 || digits.length > 20) throw new PduError('Invalid phone number');
  const padded = digits.length % 2 ? `${digits}F` : digits;
  let swapped = '';
  for (let i = 0; i < padded.length; i += 2) swapped += `${padded[i + 1]}${padded[i]}`;
  return hex2(digits.length) + (international ? '91' : '81') + swapped;
}

/** A sender as the network writes it: digits, or an alphanumeric name (`BANK`) packed as GSM-7 (TOA 0xD0). */
function encodeSenderAddress(sender: string): string {
  if (/^\+?[0-9]+$/.test(sender)) return encodeAddress(sender);
  const septets = toSeptets(sender);
  if (!septets || septets.length === 0 || septets.length > 11) throw new PduError('Invalid alphanumeric sender');
  return hex2(Math.ceil((septets.length * 7) / 4)) + 'D0' + packSeptets(septets).toString('hex').toUpperCase();
}

const hex2 = (n: number) => n.toString(16).padStart(2, '0').toUpperCase();

function concatHeader(concat: ConcatInfo): Buffer {
  return Buffer.from([0x05, 0x00, 0x03, concat.reference & 0xff, concat.total, concat.sequence]);
}

function userData(text: string, encoding: SmsEncoding, concat: ConcatInfo | null): { udl: number; ud: Buffer } {
  const header = concat ? concatHeader(concat) : Buffer.alloc(0);
  if (encoding === 'ucs2') {
    const body = Buffer.from(text, 'utf16le').swap16();
    return { udl: header.length + body.length, ud: Buffer.concat([header, body]) };
  }
  const septets = toSeptets(text) ?? [];
  const headerSeptets = Math.ceil((header.length * 8) / 7);
  const fillBits = headerSeptets * 7 - header.length * 8;
  const body = packSeptets(septets, fillBits);
  const ud = Buffer.concat([header, body.subarray(0)]);
  // The first body byte shares bits with nothing: fill bits are zeros at its bottom.
  return { udl: headerSeptets + septets.length, ud };
}

/** Encodes one SMS-SUBMIT part. */
export function encodeSubmit(options: {
  to: string;
  text: string;
  encoding: SmsEncoding;
  concat?: ConcatInfo | null;
  statusReport?: boolean;
}): SubmitPdu {
  const concat = options.concat ?? null;
  const firstOctet = 0x01 | 0x10 | (options.statusReport ? 0x20 : 0) | (concat ? 0x40 : 0);
  const dcs = options.encoding === 'ucs2' ? '08' : '00';
  const { udl, ud } = userData(options.text, options.encoding, concat);
  const tpdu = hex2(firstOctet) + '00' + encodeAddress(options.to) + '00' + dcs + 'AA' + hex2(udl) + ud.toString('hex');
  return { hex: `00${tpdu.toUpperCase()}`, tpduLength: tpdu.length / 2 };
}

/** Encodes a whole text as one or more SUBMIT PDUs sharing a concatenation reference. */
export function encodeSms(to: string, text: string, reference: number, statusReport = true): SubmitPdu[] {
  const plan = planSms(text);
  const total = plan.parts.length;
  return plan.parts.map((part, i) =>
    encodeSubmit({
      to,
      text: part,
      encoding: plan.encoding,
      concat: total > 1 ? { reference, total, sequence: i + 1 } : null,
      statusReport,
    }),
  );
}

class Reader {
  private pos = 0;
  constructor(private readonly bytes: Buffer) {}
  byte(): number {
    if (this.pos >= this.bytes.length) throw new PduError('PDU truncated');
    return this.bytes[this.pos++] as number;
  }
  take(n: number): Buffer {
    if (n < 0 || this.pos + n > this.bytes.length) throw new PduError('PDU truncated');
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  rest(): Buffer {
    return this.bytes.subarray(this.pos);
  }
}

function swappedDigits(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) out += `${(b & 0x0f).toString(16)}${(b >> 4).toString(16)}`;
  return out.replace(/f$/i, '');
}

function readAddress(r: Reader): string {
  const digits = r.byte();
  const toa = r.byte();
  const bytes = r.take(Math.ceil(digits / 2));
  if ((toa & 0x70) === 0x50) return fromSeptets(unpackSeptets(bytes, Math.floor((digits * 4) / 7)));
  const number = swappedDigits(bytes).slice(0, digits).toUpperCase();
  return (toa & 0x70) === 0x10 ? `+${number}` : number;
}

function readTimestamp(r: Reader): number {
  const d = swappedDigits(r.take(7)).padEnd(14, '0');
  const tzRaw = parseInt(d.slice(12, 14), 16);
  const negative = (tzRaw & 0x80) !== 0;
  const quarters = Number((tzRaw & 0x7f).toString(16).padStart(2, '0')) || 0;
  const utc = Date.UTC(
    2000 + Number(d.slice(0, 2)),
    Number(d.slice(2, 4)) - 1,
    Number(d.slice(4, 6)),
    Number(d.slice(6, 8)),
    Number(d.slice(8, 10)),
    Number(d.slice(10, 12)),
  );
  const offsetMs = quarters * 15 * 60_000 * (negative ? -1 : 1);
  return Number.isNaN(utc) ? 0 : utc - offsetMs;
}

function charsetOf(dcs: number): SmsEncoding | '8bit' {
  if ((dcs & 0xc0) === 0) return (['gsm7', '8bit', 'ucs2', 'gsm7'] as const)[(dcs >> 2) & 3] ?? 'gsm7';
  if ((dcs & 0xf0) === 0xf0) return dcs & 0x04 ? '8bit' : 'gsm7';
  if ((dcs & 0xf0) === 0xe0) return 'ucs2';
  return 'gsm7';
}

function parseHeader(header: Buffer): ConcatInfo | null {
  let i = 0;
  while (i + 1 < header.length) {
    const id = header[i] as number;
    const len = header[i + 1] as number;
    const data = header.subarray(i + 2, i + 2 + len);
    if (id === 0x00 && len === 3)
      return { reference: data[0] as number, total: data[1] as number, sequence: data[2] as number };
    if (id === 0x08 && len === 4)
      return { reference: data.readUInt16BE(0), total: data[2] as number, sequence: data[3] as number };
    i += 2 + len;
  }
  return null;
}

function readUserData(
  r: Reader,
  encoding: SmsEncoding | '8bit',
  hasHeader: boolean,
): { text: string; concat: ConcatInfo | null } {
  const udl = r.byte();
  const rest = r.rest();
  const headerLength = hasHeader ? (rest[0] ?? 0) + 1 : 0;
  if (headerLength > rest.length) throw new PduError('User data header truncated');
  const concat = hasHeader ? parseHeader(rest.subarray(1, headerLength)) : null;
  if (encoding === 'gsm7') {
    const headerSeptets = Math.ceil((headerLength * 8) / 7);
    const body = rest.subarray(headerLength);
    const fill = headerSeptets * 7 - headerLength * 8;
    const count = Math.max(0, Math.min(udl - headerSeptets, Math.floor((body.length * 8 - fill) / 7)));
    return { text: fromSeptets(unpackSeptets(body, count, fill)), concat };
  }
  const body = rest.subarray(headerLength, Math.max(headerLength, Math.min(rest.length, udl)));
  if (encoding === '8bit') return { text: body.toString('latin1'), concat };
  const even = Buffer.from(body.subarray(0, body.length - (body.length % 2)));
  return { text: even.swap16().toString('utf16le'), concat };
}

function decodeDeliver(r: Reader, firstOctet: number): DeliverPdu {
  const sender = readAddress(r);
  r.byte(); // PID
  const encoding = charsetOf(r.byte());
  const sentAtMs = readTimestamp(r);
  const { text, concat } = readUserData(r, encoding, (firstOctet & 0x40) !== 0);
  return { type: 'deliver', sender, text, encoding, sentAtMs, concat };
}

function decodeStatusReport(r: Reader): StatusReportPdu {
  const messageReference = r.byte();
  const recipient = readAddress(r);
  r.take(7); // SCTS
  r.take(7); // discharge time
  const statusCode = r.byte();
  const status = statusCode < 0x20 ? 'delivered' : statusCode < 0x40 ? 'pending' : 'failed';
  return { type: 'status-report', messageReference, recipient, status, statusCode };
}

/** Decodes a PDU as the modem shows it (hex, starting with the SMSC field). Throws PduError on garbage. */
export function decodePdu(hex: string): DeliverPdu | StatusReportPdu {
  const clean = hex.trim();
  if (!/^([0-9a-fA-F]{2})+$/.test(clean)) throw new PduError('PDU is not hex');
  const r = new Reader(Buffer.from(clean, 'hex'));
  r.take(r.byte()); // SMSC
  const firstOctet = r.byte();
  const mti = firstOctet & 0x03;
  if (mti === 0x00) return decodeDeliver(r, firstOctet);
  if (mti === 0x02) return decodeStatusReport(r);
  throw new PduError(`Unsupported PDU type ${mti}`);
}

/** Builds an SMS-DELIVER PDU (what a network would send; used by the simulator). */
export function encodeDeliver(options: {
  from: string;
  text: string;
  encoding: SmsEncoding;
  concat?: ConcatInfo | null;
  sentAtMs: number;
}): string {
  const concat = options.concat ?? null;
  const firstOctet = 0x04 | (concat ? 0x40 : 0);
  const { udl, ud } = userData(options.text, options.encoding, concat);
  const tpdu =
    hex2(firstOctet) +
    encodeSenderAddress(options.from) +
    '00' +
    (options.encoding === 'ucs2' ? '08' : '00') +
    encodeTimestamp(options.sentAtMs) +
    hex2(udl) +
    ud.toString('hex');
  return `00${tpdu}`.toUpperCase();
}

/** Builds an SMS-STATUS-REPORT PDU (simulator). */
export function encodeStatusReport(options: {
  messageReference: number;
  recipient: string;
  statusCode: number;
  atMs: number;
}): string {
  const ts = encodeTimestamp(options.atMs);
  const tpdu =
    '06' + hex2(options.messageReference) + encodeAddress(options.recipient) + ts + ts + hex2(options.statusCode);
  return `00${tpdu}`.toUpperCase();
}

function encodeTimestamp(ms: number): string {
  const d = new Date(ms);
  const parts = [
    d.getUTCFullYear() % 100,
    d.getUTCMonth() + 1,
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    0,
  ];
  return parts
    .map((n) => {
      const s = String(n).padStart(2, '0');
      return `${s[1]}${s[0]}`;
    })
    .join('');
}
