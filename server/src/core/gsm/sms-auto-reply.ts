import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { planSms } from './pdu.js';
import type { GsmSmsRecord, GsmSmsStore } from './store-types.js';

/** Writes the reply text for a received SMS (the LLM router plugs in here). Throws when it cannot. */
export type SmsReplyGenerator = (message: GsmSmsRecord, signal: AbortSignal) => Promise<string>;

export interface SmsAutoReplyLimits {
  maxPerSenderPerHour: number;
  /** Replies in any rolling 24 hours, all senders together. */
  maxPerDay: number;
  /** Longer replies are cut at a word to fit in this many SMS parts. */
  maxParts: number;
  /** Numbers never replied to. */
  blockList: readonly string[];
}

/** What happened to a received SMS; stored on it (`gsm_sms.auto_reply`) and counted in metrics. */
export type AutoReplyOutcome =
  'sent' | 'not_a_number' | 'blocked' | 'limit_sender' | 'limit_daily' | 'llm_failed' | 'empty' | 'send_failed';

export interface SmsAutoReplierOptions {
  store: Pick<GsmSmsStore, 'countAutoReplies' | 'updateMessage'>;
  generate: SmsReplyGenerator;
  /** Sends the reply, marked as an auto-reply (SmsService.send with `autoReply: true`). */
  send(to: string, text: string): Promise<GsmSmsRecord>;
  limits: SmsAutoReplyLimits;
  logger: Logger;
  clock?: () => number;
  /** Gives up on the generator after this long (default 60 s). */
  timeoutMs?: number;
}

export interface SmsAutoReplierEvents {
  outcome: [outcome: AutoReplyOutcome];
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** A number that can receive an SMS back: international or national, not a short code or a name. */
const REPLYABLE = /^\+?[0-9]{7,15}$/;

/** Expected outcomes, logged at info; the rest (limits, failures) at warn. */
const QUIET_OUTCOMES = new Set<AutoReplyOutcome>(['sent', 'not_a_number', 'blocked']);

const digitsOf = (number: string) => number.replace(/\D/g, '');

/** Cuts a reply (at a word when it can) so that it fits in `maxParts` SMS parts of its encoding. */
export function fitToParts(text: string, maxParts: number): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  const plan = planSms(clean);
  if (plan.parts.length <= maxParts) return clean;
  const ellipsis = plan.encoding === 'gsm7' ? '...' : '…'; // '…' is not in GSM-7: it would force UCS2
  const chars = [...clean];
  let low = 0;
  let high = chars.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (planSms(`${chars.slice(0, mid).join('').trimEnd()}${ellipsis}`).parts.length <= maxParts) low = mid;
    else high = mid - 1;
  }
  const cut = chars.slice(0, low).join('');
  const space = cut.lastIndexOf(' ');
  return `${(space > cut.length * 0.6 ? cut.slice(0, space) : cut).trimEnd()}${ellipsis}`;
}

/**
 * Answers received SMS with generated text, within limits. Replies run one at a time, so the counts the
 * limits read (auto-replies stored in the database) are exact; nothing here throws: a limit hit, an LLM
 * failure or a failed send is logged and recorded on the received message, which is already committed.
 */
export class SmsAutoReplier extends EventEmitter<SmsAutoReplierEvents> {
  private chain: Promise<unknown> = Promise.resolve();
  private readonly clock: () => number;
  private readonly blocked: Set<string>;

  constructor(private readonly options: SmsAutoReplierOptions) {
    super();
    this.clock = options.clock ?? Date.now;
    this.blocked = new Set(options.limits.blockList.map(digitsOf).filter(Boolean));
  }

  /** Queues a reply to a received message; resolves with what happened. */
  handle(message: GsmSmsRecord): Promise<AutoReplyOutcome> {
    const run = this.chain.then(() => this.reply(message));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async reply(message: GsmSmsRecord): Promise<AutoReplyOutcome> {
    const outcome = await this.decide(message).catch((error: unknown) => {
      this.options.logger.warn({ err: error, smsId: message.id }, 'gsm sms auto-reply failed');
      return 'send_failed' as const;
    });
    await this.record(message, outcome);
    return outcome;
  }

  private async decide(message: GsmSmsRecord): Promise<AutoReplyOutcome> {
    const refusal = await this.refusal(message.number);
    if (refusal) return refusal;
    const text = await this.generate(message);
    if (text === null) return 'llm_failed';
    if (text === '') return 'empty';
    const sent = await this.options.send(message.number, text);
    return sent.status === 'failed' ? 'send_failed' : 'sent';
  }

  /** Why not to answer this sender now, or null. */
  private async refusal(number: string): Promise<AutoReplyOutcome | null> {
    const { limits, store } = this.options;
    if (!REPLYABLE.test(number)) return 'not_a_number';
    if (this.blocked.has(digitsOf(number))) return 'blocked';
    const now = this.clock();
    if ((await store.countAutoReplies({ sinceMs: now - HOUR_MS, number })) >= limits.maxPerSenderPerHour)
      return 'limit_sender';
    if ((await store.countAutoReplies({ sinceMs: now - DAY_MS })) >= limits.maxPerDay) return 'limit_daily';
    return null;
  }

  /** The generated reply fitted to the part limit; null when the generator failed (logged). */
  private async generate(message: GsmSmsRecord): Promise<string | null> {
    const signal = AbortSignal.timeout(this.options.timeoutMs ?? 60_000);
    try {
      return fitToParts(await this.options.generate(message, signal), this.options.limits.maxParts);
    } catch (error) {
      this.options.logger.warn({ err: error, smsId: message.id }, 'gsm sms auto-reply: no reply generated');
      return null;
    }
  }

  private async record(message: GsmSmsRecord, outcome: AutoReplyOutcome): Promise<void> {
    const level = QUIET_OUTCOMES.has(outcome) ? 'info' : 'warn';
    this.options.logger[level]({ smsId: message.id, outcome }, 'gsm sms auto-reply');
    this.emit('outcome', outcome);
    try {
      await this.options.store.updateMessage(message.id, { autoReply: outcome });
    } catch (error) {
      this.options.logger.warn({ err: error, smsId: message.id }, 'gsm sms auto-reply outcome not stored');
    }
  }
}
