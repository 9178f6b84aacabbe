import type { TelegramSubscriberRecord } from './types.js';

const HEADER = [
  'chat_id',
  'user_id',
  'user_name',
  'language',
  'source',
  'status',
  'segment',
  'funnel_step',
  'consent_at',
  'subscribed_at',
  'updated_at',
];

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break; a value a spreadsheet would run
 * as a formula (`=`, `+`, `-`, `@`, tab, CR at the start) is prefixed with `'` so that a user name cannot; a bare
 * Telegram `@username` stays as it is (a name reference at worst, never a call).
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text) && !/^@[A-Za-z0-9_]{1,64}$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The subscribers of a bot as CSV (CRLF line ends, ISO times in UTC). */
export function subscribersCsv(subscribers: Array<TelegramSubscriberRecord & { consentAt?: number | null }>): string {
  const rows = subscribers.map((s) =>
    [
      s.chatId,
      s.userId,
      s.userName,
      s.language,
      s.source,
      s.status,
      s.segment ?? null,
      s.funnelStep ?? null,
      iso(s.consentAt),
      new Date(s.subscribedAt).toISOString(),
      new Date(s.updatedAt).toISOString(),
    ]
      .map(csvField)
      .join(','),
  );
  return [HEADER.join(','), ...rows].join('\r\n') + '\r\n';
}
