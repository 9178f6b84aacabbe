/** Discord's limit on one message's content (characters). */
export const MAX_MESSAGE_CHARS = 2000;

/**
 * Splits text into messages of at most `max` characters, at a paragraph break when there is one in the
 * second half of the window, else a line break, a sentence end, a space, and only then mid-word.
 */
export function splitMessage(text: string, max = MAX_MESSAGE_CHARS): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const cut = cutPoint(rest, max);
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0) parts.push(rest);
  return parts;
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
