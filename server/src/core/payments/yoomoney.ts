import { createHash, timingSafeEqual } from 'node:crypto';
import { ValidationError } from '../../errors.js';

/** The fields YooMoney signs, in the order of its `sha1_hash` (each required in the notification; may be empty). */
export const SIGNED_FIELDS = [
  'notification_type',
  'operation_id',
  'amount',
  'currency',
  'datetime',
  'sender',
  'codepro',
] as const;

/** Fields that must not be empty (`sender` is empty for card payments, `label` for transfers without one). */
const NON_EMPTY = ['notification_type', 'operation_id', 'amount', 'currency', 'datetime', 'codepro', 'sha1_hash'];

export type YoomoneyFields = Record<string, string>;

/** Hex SHA-1 of `notification_type&operation_id&amount&currency&datetime&sender&codepro&notification_secret&label`. */
export function yoomoneyHash(fields: YoomoneyFields, secret: string): string {
  const parts = [...SIGNED_FIELDS.map((name) => fields[name] ?? ''), secret, fields.label ?? ''];
  return createHash('sha1').update(parts.join('&'), 'utf8').digest('hex');
}

/** Whether `sha1_hash` is the notification's signature with `secret`, compared in constant time. */
export function yoomoneySignatureValid(fields: YoomoneyFields, secret: string): boolean {
  const given = Buffer.from((fields.sha1_hash ?? '').toLowerCase(), 'utf8');
  const expected = Buffer.from(yoomoneyHash(fields, secret), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Refuses a notification that lacks a field the signature or the record needs (400, the fields named). */
export function requireYoomoneyFields(fields: YoomoneyFields): void {
  const missing = [...SIGNED_FIELDS, 'label', 'sha1_hash'].filter((name) => fields[name] === undefined);
  const empty = NON_EMPTY.filter((name) => fields[name] === '');
  const bad = [...new Set([...missing, ...empty])];
  if (bad.length > 0)
    throw new ValidationError(`The notification lacks ${bad.join(', ')}`, { details: { fields: bad } });
}

/** `490.00` → 49000 kopecks; a malformed amount is refused. */
export function kopecksOf(amount: string, field: string): number {
  const match = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(amount);
  if (!match) throw new ValidationError(`${field} must be an amount like 490.00`, { details: { field } });
  return Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
}

/**
 * The quickpay label: `tg1.<productId>.<chatId>`, which product a subscriber paid for (YooMoney returns it in the
 * notification; at most 64 characters).
 */
export function formatLabel(productId: string, chatId: number): string {
  return `tg1.${productId}.${chatId}`;
}

export function parseLabel(label: string): { productId: string; chatId: number } | null {
  const match = /^tg1\.([A-Za-z0-9-]{1,40})\.(-?\d{1,20})$/.exec(label);
  if (!match) return null;
  const chatId = Number(match[2]);
  return Number.isSafeInteger(chatId) ? { productId: match[1]!, chatId } : null;
}

export interface QuickpayInput {
  wallet: string;
  /** Kopecks. */
  amount: number;
  label: string;
  title: string;
  successUrl?: string;
}

/** A YooMoney quickpay link (`quickpay/confirm`, card payment, the label that matches the notification back). */
export function quickpayUrl(input: QuickpayInput): string {
  const params = new URLSearchParams({
    receiver: input.wallet,
    'quickpay-form': 'button',
    paymentType: 'AC',
    sum: (input.amount / 100).toFixed(2),
    label: input.label,
    targets: input.title,
  });
  if (input.successUrl) params.set('successURL', input.successUrl);
  return `https://yoomoney.ru/quickpay/confirm?${params.toString()}`;
}
