import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** One mail the fake accepted: the envelope, the raw DATA (dot-stuffing undone) and its decoded parts. */
export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  subject: string;
  text: string;
  auth: { user: string; pass: string } | null;
}

interface Session {
  from: string;
  to: string[];
  auth: { user: string; pass: string } | null;
  data: string[] | null;
  authLogin: { step: 'user' | 'pass'; user: string } | null;
}

const b64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

/** `=?UTF-8?B?…?=` / `=?UTF-8?Q?…?=` words, as nodemailer writes non-ASCII subjects. */
export function decodeWords(value: string): string {
  const joined = value.replace(/\?=\s+=\?/g, '?==?');
  return joined.replace(/=\?[^?]+\?([BbQq])\?([^?]*)\?=/g, (_m, enc: string, text: string) =>
    enc.toUpperCase() === 'B' ? b64(text) : decodeQuotedPrintable(text.replace(/_/g, ' ')),
  );
}

export function decodeQuotedPrintable(value: string): string {
  const soft = value.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    if (soft[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(soft[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Headers (unfolded, lower-case names) and the body of a single-part message. */
function parseMessage(raw: string): { subject: string; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const headers = new Map(
    head
      .split('\r\n')
      .map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  const text =
    encoding === 'base64'
      ? b64(body.replace(/\s+/g, ''))
      : encoding === 'quoted-printable'
        ? decodeQuotedPrintable(body)
        : body;
  return { subject: decodeWords(headers.get('subject') ?? ''), text: text.replace(/\r\n$/, '') };
}

const address = (arg: string) => /<([^>]*)>/.exec(arg)?.[1] ?? arg.trim();

/**
 * A real SMTP server on loopback for tests: greeting, EHLO/HELO, AUTH PLAIN/LOGIN, MAIL FROM, RCPT TO, DATA
 * with dot-stuffing, RSET, NOOP, QUIT. `refuse(n)` greets the next n connections with 421 and hangs up;
 * `failNext(n)` answers the next n MAIL FROM with 451 (a temporary failure).
 */
export class FakeSmtp {
  readonly mails: ReceivedMail[] = [];
  private readonly server = net.createServer((socket) => this.serve(socket));
  private refusals = 0;
  private failures = 0;
  private waiters: Array<() => void> = [];

  async start(): Promise<{ host: string; port: number }> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return { host: '127.0.0.1', port: this.port };
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  refuse(connections: number): void {
    this.refusals = connections;
  }

  failNext(mails: number): void {
    this.failures = mails;
  }

  /** Resolves once `count` mails arrived. */
  async waitFor(count: number): Promise<ReceivedMail[]> {
    while (this.mails.length < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.mails;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: net.Socket): void {
    const reply = (line: string) => socket.write(`${line}\r\n`);
    if (this.refusals > 0) {
      this.refusals--;
      socket.end('421 fake-smtp service not available\r\n');
      return;
    }
    const session: Session = { from: '', to: [], auth: null, data: null, authLogin: null };
    let buffer = '';
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        this.line(session, line, reply, () => socket.end());
      }
    });
    socket.on('error', () => undefined);
    reply('220 fake-smtp ESMTP ready');
  }

  private line(s: Session, line: string, reply: (l: string) => void, quit: () => void): void {
    if (s.data !== null) return this.dataLine(s, line, reply);
    if (s.authLogin !== null) return this.authLoginLine(s, line, reply);
    const [verb = '', ...rest] = line.split(' ');
    const arg = rest.join(' ');
    switch (verb.toUpperCase()) {
      case 'EHLO':
        return ['250-fake-smtp', '250-8BITMIME', '250-SMTPUTF8', '250-AUTH PLAIN LOGIN', '250 SIZE 10485760'].forEach(
          reply,
        );
      case 'HELO':
      case 'NOOP':
        return reply('250 OK');
      case 'AUTH':
        return this.auth(s, arg, reply);
      case 'MAIL':
        if (this.failures > 0) {
          this.failures--;
          return reply('451 4.3.0 fake-smtp temporary failure');
        }
        Object.assign(s, { from: address(arg.replace(/^FROM:/i, '').split(' ')[0] ?? ''), to: [] });
        return reply('250 OK');
      case 'RCPT':
        s.to.push(address(arg.replace(/^TO:/i, '')));
        return reply('250 OK');
      case 'DATA':
        s.data = [];
        return reply('354 End data with <CR><LF>.<CR><LF>');
      case 'RSET':
        Object.assign(s, { from: '', to: [] });
        return reply('250 OK');
      case 'QUIT':
        reply('221 Bye');
        return quit();
      default:
        return reply('502 command not implemented');
    }
  }

  private auth(s: Session, arg: string, reply: (l: string) => void): void {
    const [mechanism, initial] = arg.split(' ');
    if (mechanism?.toUpperCase() === 'PLAIN' && initial) {
      const [, user = '', pass = ''] = b64(initial).split('\u0000');
      s.auth = { user, pass };
      return reply('235 2.7.0 Authentication successful');
    }
    if (mechanism?.toUpperCase() === 'LOGIN') {
      s.authLogin = { step: 'user', user: '' };
      return reply(`334 ${Buffer.from('Username:').toString('base64')}`);
    }
    reply('504 unrecognized authentication type');
  }

  private authLoginLine(s: Session, line: string, reply: (l: string) => void): void {
    if (s.authLogin!.step === 'user') {
      s.authLogin = { step: 'pass', user: b64(line) };
      return reply(`334 ${Buffer.from('Password:').toString('base64')}`);
    }
    s.auth = { user: s.authLogin!.user, pass: b64(line) };
    s.authLogin = null;
    reply('235 2.7.0 Authentication successful');
  }

  private dataLine(s: Session, line: string, reply: (l: string) => void): void {
    if (line !== '.') {
      s.data!.push(line.startsWith('.') ? line.slice(1) : line);
      return;
    }
    const raw = s.data!.join('\r\n') + '\r\n';
    s.data = null;
    this.mails.push({ from: s.from, to: [...s.to], raw, auth: s.auth, ...parseMessage(raw) });
    reply(`250 OK queued as ${this.mails.length}`);
    for (const wake of this.waiters.splice(0)) wake();
  }
}
