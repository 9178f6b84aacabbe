import { redactLine } from './redact.js';

export type LogStream = 'stdout' | 'stderr' | 'supervisor';

export interface LogLine {
  at: string;
  stream: LogStream;
  /** The process that wrote it (null for the supervisor's own notes). */
  pid: number | null;
  line: string;
}

/** Longer lines are cut (a child printing a blob must not fill the orchestrator's memory). */
const MAX_LINE_CHARS = 4000;

/** The last `capacity` lines of a child's output, redacted as they come in; kept across its restarts. */
export class LogRing {
  private readonly lines: LogLine[] = [];

  constructor(private readonly capacity: number) {}

  push(stream: LogStream, pid: number | null, raw: string, now = new Date()): LogLine {
    const cut = raw.length > MAX_LINE_CHARS ? `${raw.slice(0, MAX_LINE_CHARS)}…` : raw;
    const entry = { at: now.toISOString(), stream, pid, line: redactLine(cut) };
    this.lines.push(entry);
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
    return entry;
  }

  list(): LogLine[] {
    return [...this.lines];
  }
}
