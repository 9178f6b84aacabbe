/** Discord's limit on one message's content (characters). */
export const MAX_MESSAGE_CHARS = 2000;

const FENCE = /^```([^\s`]{0,20})/gm;
/** Room kept in each part for closing a cut code block and reopening it in the next (```lang\n … \n```). */
const FENCE_RESERVE = 32;

/**
 * Splits text into messages of at most `max` characters, at a paragraph break when there is one in the
 * second half of the window, else a line break, a sentence end, a space, and only then mid-word. A code
 * block that is cut is closed at the end of its part and reopened (same language) at the start of the next.
 */
export function splitMessage(text: string, max = MAX_MESSAGE_CHARS): string[] {
  const trimmed = text.trim();
  if (!trimmed.includes('```')) return splitPlain(trimmed, max);
  return reopenFences(splitPlain(trimmed, max - FENCE_RESERVE));
}

function splitPlain(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = cutPoint(rest, max);
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0) parts.push(rest);
  return parts;
}

/** The language of the code block still open at the end of `text` (with `open` carried in), or null. */
function openFenceAfter(text: string, open: string | null): string | null {
  let state = open;
  for (const match of text.matchAll(FENCE)) state = state === null ? (match[1] ?? '') : null;
  return state;
}

function reopenFences(parts: string[]): string[] {
  let open: string | null = null;
  return parts.map((part) => {
    const body = open === null ? part : `\`\`\`${open}\n${part}`;
    open = openFenceAfter(part, open);
    return open === null ? body : `${body}\n\`\`\``;
  });
}

function cutPoint(text: string, max: number): number {
  const window = text.slice(0, max);
  const floor = Math.floor(max / 2);
  for (const boundary of [/\n\s*\n/g, /\n/g, /[.!?…](?=\s)/g, /\s/g]) {
    let best = -1;
    for (const match of window.matchAll(boundary)) {
      const end = match.index + match[0].length;
      if (end >= floor && end <= max) best = end;
    }
    if (best > 0) return best;
  }
  // never split a surrogate pair
  const code = text.charCodeAt(max - 1);
  return code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
}
