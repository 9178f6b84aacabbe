import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.js';
import { logRedaction } from './log-redaction.js';

export type { Logger };

/**
 * Keys whose values are PII or secrets. Log such data only under these keys; pino replaces them.
 * Wildcards cover one level of nesting (e.g. `req.headers.authorization`).
 */
export const REDACTED_KEYS = [
  'password',
  'newPassword',
  'currentPassword',
  'token',
  'accessToken',
  'refreshToken',
  'apiKey',
  'key',
  'secret',
  'phone',
  'phoneNumber',
  'text',
  'transcript',
  'message.text',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["x-api-key"]',
  '*.password',
  '*.token',
  '*.apiKey',
  '*.phone',
  '*.transcript',
];

export function createLogger(config: Pick<Config, 'logLevel' | 'logPretty'>, destination?: DestinationStream): Logger {
  const options = {
    level: config.logLevel,
    redact: { paths: REDACTED_KEYS, censor: '[redacted]' },
    // credentials inside URLs, headers, errors and messages (`/ws/voice?token=…`): log-redaction.ts
    serializers: logRedaction.serializers,
    hooks: logRedaction.hooks,
    transport: config.logPretty
      ? { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } }
      : undefined,
  };
  return destination === undefined ? pino(options) : pino({ ...options, transport: undefined }, destination);
}
