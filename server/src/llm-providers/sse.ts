/** An unterminated line this long is a broken upstream, not an answer (the buffer would grow without bound). */
const MAX_LINE_CHARS = 4 * 1024 * 1024;

/** One server-sent event: its `event:` name (null when absent) and its data lines joined by "\n". */
export interface SseMessage {
  event: string | null;
  data: string;
}

/**
 * Incremental SSE parser (WHATWG "event stream" rules): lines end in LF, CRLF or CR (a CRLF split
 * across two network reads counts once); `:` lines are comments (keep-alives); an empty line
 * dispatches the event; an event still open when the body ends is dropped. Text is decoded as UTF-8
 * across reads, so a character split between two packets is kept whole.
 */
export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  private buffer = '';
  private skipLf = false;
  private event: string | null = null;
  private data: string[] = [];

  /** Feeds one network read; returns every event it completed, in order (often several per read). */
  push(chunk: Uint8Array | string): SseMessage[] {
    let text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    if (this.skipLf) {
      this.skipLf = false;
      if (text.charCodeAt(0) === 10) text = text.slice(1);
    }
    const out: SseMessage[] = [];
    const all = this.buffer + text;
    let lineStart = 0;
    for (let i = 0; i < all.length; i++) {
      const c = all.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.line(all.slice(lineStart, i), out);
      if (c === 13) {
        if (i + 1 === all.length) this.skipLf = true;
        else if (all.charCodeAt(i + 1) === 10) i++;
      }
      lineStart = i + 1;
    }
    this.buffer = all.slice(lineStart);
    if (this.buffer.length > MAX_LINE_CHARS) {
      throw new Error(`the event stream has a line longer than ${MAX_LINE_CHARS} characters`);
    }
    return out;
  }

  private line(line: string, out: SseMessage[]): void {
    if (line === '') {
      if (this.data.length > 0 || this.event !== null) out.push({ event: this.event, data: this.data.join('\n') });
      this.event = null;
      this.data = [];
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ':' comment
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
  }
}

type Body = AsyncIterable<Uint8Array | string> & { destroy?: () => void; cancel?: () => Promise<void> };

/**
 * Reads the events of a response body, one network read at a time. When the caller has what it
 * needs (`[DONE]`), `release()` reads the rest in the background so the keep-alive connection goes
 * back to its pool, instead of being destroyed by an iterator `return()`; `cancel()` drops it.
 */
export class SseReader {
  private readonly parser = new SseParser();
  private readonly chunks: AsyncIterator<Uint8Array | string>;
  private settled = false;

  constructor(private readonly body: Body) {
    this.chunks = body[Symbol.asyncIterator]();
  }

  /** The events completed by the next read(s); null when the body has ended. */
  async next(): Promise<SseMessage[] | null> {
    for (;;) {
      const read = await this.chunks.next();
      if (read.done) {
        this.settled = true;
        return null;
      }
      const events = this.parser.push(read.value);
      if (events.length > 0) return events;
    }
  }

  /** Reads what is left without parsing it; a body that has not ended within `graceMs` is dropped. */
  release(graceMs: number): void {
    if (this.settled) return;
    this.settled = true;
    const timer = setTimeout(() => this.destroy(), graceMs);
    timer.unref();
    const drain = async () => {
      while (!(await this.chunks.next()).done) {
        // discarded
      }
    };
    drain().then(
      () => clearTimeout(timer),
      () => clearTimeout(timer),
    );
  }

  /** Drops the body now (the upstream sees its connection close). */
  cancel(): void {
    if (this.settled) return;
    this.settled = true;
    this.destroy();
  }

  private destroy(): void {
    if (typeof this.body.destroy === 'function') this.body.destroy();
    else void this.chunks.return?.().catch(() => undefined);
  }
}
