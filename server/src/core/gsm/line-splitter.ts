/**
 * Splits the modem's byte stream into lines. Lines end with CR, LF or CRLF; empty lines are dropped.
 * The SMS prompt `> ` has no line ending, so a buffer that is exactly `> ` is emitted as a line.
 */
export function createLineSplitter(onLine: (line: string) => void) {
  let buffer = '';
  return {
    push(text: string): void {
      buffer += text;
      const parts = buffer.split(/\r\n|\r|\n/);
      buffer = parts.pop() ?? '';
      for (const part of parts) if (part.length > 0) onLine(part);
      if (buffer === '> ' || buffer === '>') {
        buffer = '';
        onLine('> ');
      }
      // A modem that never ends a line must not grow memory without bound.
      if (buffer.length > 8192) buffer = buffer.slice(-8192);
    },
  };
}
