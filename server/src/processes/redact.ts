import { redactText } from '../log-redaction.js';

/**
 * Redaction of a child's output lines before they are kept or shown. Children log JSON through pino with
 * their own redacted keys; this is the second net for what slips through: credentials in URLs (the logger's
 * `redactText`), credentials and tokens by shape, values under secret-looking keys, and phone numbers (E.164,
 * or under phone-like keys).
 */
const CENSOR = '[redacted]';

const SECRET_KEYS = 'token|credential|secret|password|passwd|api[_-]?key|authorization|cookie';
const PHONE_KEYS = 'phone|phoneNumber|msisdn|caller|callee|callbackNumber|callback_number|ownNumber|number';

const RULES: ReadonlyArray<[RegExp, string]> = [
  // `Bearer <anything>`, `Basic <anything>` (headers, URLs, messages).
  [/\b([Bb]earer\s+)[^\s"',;]+/g, `$1${CENSOR}`],
  [/\b(Basic\s+)[A-Za-z0-9+/]{8,}={0,2}/g, `$1${CENSOR}`],
  // `"token":"…"`, `token=…`, `apiKey: …`: the value under a secret-looking key (an auth scheme keeps its name).
  [
    new RegExp(`((?:${SECRET_KEYS})["']?\\s*[:=]\\s*["']?)(?!(?:Bearer|Basic)\\s|\\[redacted\\])[^\\s"',;}&]+`, 'gi'),
    `$1${CENSOR}`,
  ],
  // This product's credentials by prefix: child credentials, API keys, widget and refresh tokens.
  [/\b(?:chc_|sk-sec-|wt-|rt_)[A-Za-z0-9_-]{8,}/g, CENSOR],
  // JWTs.
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g, CENSOR],
  // Telegram bot tokens (`123456789:AA…`) and Discord bot tokens (three base64url parts).
  // (also inside Bot API URLs: `/bot<token>/getMe`, where no word boundary precedes the digits)
  [/(?:\b|(?<=\/bot))\d{6,12}:[A-Za-z0-9_-]{30,}/g, CENSOR],
  [/\b[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}/g, CENSOR],
  // Phone numbers under phone-like keys, then any E.164-looking number.
  [new RegExp(`((?:${PHONE_KEYS})["']?\\s*[:=]\\s*["']?)\\+?[\\d][\\d\\s().-]{4,}\\d`, 'gi'), `$1${CENSOR}`],
  [/\+\d[\d\s().-]{6,}\d/g, CENSOR],
];

export function redactLine(line: string): string {
  let out = redactText(line);
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement);
  return out;
}
