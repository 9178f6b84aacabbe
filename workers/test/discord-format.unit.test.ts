import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_CHARS, splitMessage } from '../src/discord/format.js';

describe('splitMessage (Discord replies)', () => {
  it('keeps a short reply whole', () => {
    expect(splitMessage('  Hello there.  ')).toEqual(['Hello there.']);
  });

  it('cuts long text under 2000 characters at sentence ends', () => {
    const text = Array.from({ length: 200 }, (_, i) => `Sentence number ${i} is here.`).join(' ');
    const parts = splitMessage(text);
    expect(parts.length).toBe(3);
    expect(parts.every((p) => p.length <= MAX_MESSAGE_CHARS)).toBe(true);
    expect(parts.every((p) => p.endsWith('here.'))).toBe(true);
    expect(parts.join(' ')).toBe(text);
  });

  it('closes a code block that is cut and reopens it, with its language, in the next part', () => {
    const code = Array.from({ length: 150 }, (_, i) => `const value${i} = compute(${i}); // line ${i}`).join('\n');
    const text = `Here is the script:\n\n\`\`\`ts\n${code}\n\`\`\`\n\nThat is all.`;
    const parts = splitMessage(text);
    expect(parts.length).toBeGreaterThan(2);
    expect(parts.every((p) => p.length <= MAX_MESSAGE_CHARS)).toBe(true);
    for (const part of parts) expect((part.match(/^```/gm) ?? []).length % 2).toBe(0); // every block balanced
    expect(parts[1]!.startsWith('```ts\n')).toBe(true);
    expect(parts.at(-1)!.endsWith('That is all.')).toBe(true);
  });
});
