import { pino, type Logger } from 'pino';

export type { Logger };

/** Worker logs go to stderr as JSON (stdout stays free); transcripts and text only under redacted keys. */
export function createWorkerLogger(name: string, level: string): Logger {
  return pino(
    { name, level, redact: { paths: ['text', 'transcript', 'token', '*.text', '*.token'], censor: '[redacted]' } },
    pino.destination(2),
  );
}
