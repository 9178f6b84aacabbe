/** The GSM 03.38 default alphabet and its extension table (reached through ESC, 0x1B). */
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const EXTENSION: Record<string, number> = {
  '\f': 0x0a,
  '^': 0x14,
  '{': 0x28,
  '}': 0x29,
  '\\': 0x2f,
  '[': 0x3c,
  '~': 0x3d,
  ']': 0x3e,
  '|': 0x40,
  '€': 0x65,
};
const BASIC_INDEX = new Map([...BASIC].map((ch, i) => [ch, i]));
const EXTENSION_REVERSE = new Map(Object.entries(EXTENSION).map(([ch, code]) => [code, ch]));

/** Septets for a text, or null when a character is not in the GSM-7 alphabet. */
export function toSeptets(text: string): number[] | null {
  const out: number[] = [];
  for (const ch of text) {
    const basic = BASIC_INDEX.get(ch);
    if (basic !== undefined && ch !== '\x1b') out.push(basic);
    else if (EXTENSION[ch] !== undefined) out.push(0x1b, EXTENSION[ch]);
    else return null;
  }
  return out;
}

export function fromSeptets(septets: number[]): string {
  let text = '';
  for (let i = 0; i < septets.length; i++) {
    const s = septets[i] as number;
    if (s === 0x1b && i + 1 < septets.length) text += EXTENSION_REVERSE.get(septets[++i] as number) ?? ' ';
    else text += BASIC[s] ?? '?';
  }
  return text;
}

/** Packs septets LSB first, after `fillBits` zero bits (used to align after a UDH). */
export function packSeptets(septets: number[], fillBits = 0): Buffer {
  const totalBits = fillBits + septets.length * 7;
  const out = Buffer.alloc(Math.ceil(totalBits / 8));
  let bit = fillBits;
  for (const s of septets) {
    for (let b = 0; b < 7; b++, bit++) if ((s >> b) & 1) out[bit >> 3] = (out[bit >> 3] as number) | (1 << (bit & 7));
  }
  return out;
}

export function unpackSeptets(bytes: Buffer, count: number, fillBits = 0): number[] {
  const out: number[] = [];
  let bit = fillBits;
  for (let i = 0; i < count; i++) {
    let s = 0;
    for (let b = 0; b < 7; b++, bit++) if (((bytes[bit >> 3] ?? 0) >> (bit & 7)) & 1) s |= 1 << b;
    out.push(s);
  }
  return out;
}
