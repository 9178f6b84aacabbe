/** A document's text cut into passages along headings and paragraphs, each no longer than `maxChars`. */
export interface Passage {
  /** The headings above the passage, outermost first ("Delivery › Moscow"). */
  heading: string;
  text: string;
}

export const MAX_PASSAGE_CHARS = 800;
const HEADING = /^(#{1,6})\s+(.+?)\s*#*\s*$/;

interface Section {
  heading: string;
  paragraphs: string[];
}

/** Markdown headings open sections; blank lines separate paragraphs. Plain text has no headings. */
function sections(text: string, markdown: boolean): Section[] {
  const path: string[] = [];
  const out: Section[] = [{ heading: '', paragraphs: [] }];
  let paragraph: string[] = [];
  const endParagraph = () => {
    if (paragraph.length > 0) out.at(-1)?.paragraphs.push(paragraph.join(' '));
    paragraph = [];
  };
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trim();
    const heading = markdown ? HEADING.exec(line) : null;
    if (heading) {
      endParagraph();
      path.length = Math.min(path.length, heading[1]!.length - 1);
      path[heading[1]!.length - 1] = heading[2]!;
      out.push({ heading: path.filter(Boolean).join(' › '), paragraphs: [] });
    } else if (line === '') endParagraph();
    else paragraph.push(line);
  }
  endParagraph();
  return out.filter((s) => s.paragraphs.length > 0);
}

/** A paragraph over the limit: cut at sentence ends, then at spaces, then anywhere. */
function pieces(paragraph: string, maxChars: number): string[] {
  if (paragraph.length <= maxChars) return [paragraph];
  const sentences = paragraph.match(/[^.!?…]+[.!?…]*\s*/g) ?? [paragraph];
  const out: string[] = [];
  for (const sentence of sentences) {
    if (sentence.length <= maxChars) out.push(sentence.trim());
    else for (let i = 0; i < sentence.length; i += maxChars) out.push(sentence.slice(i, i + maxChars).trim());
  }
  return out.filter(Boolean);
}

/** Packs a section's paragraphs into passages of at most `maxChars`. */
function pack(section: Section, maxChars: number): Passage[] {
  const out: Passage[] = [];
  let current = '';
  for (const piece of section.paragraphs.flatMap((p) => pieces(p, maxChars))) {
    if (current && current.length + 2 + piece.length > maxChars) {
      out.push({ heading: section.heading, text: current });
      current = '';
    }
    current = current ? `${current}\n\n${piece}` : piece;
  }
  if (current) out.push({ heading: section.heading, text: current });
  return out;
}

export function splitPassages(text: string, markdown: boolean, maxChars = MAX_PASSAGE_CHARS): Passage[] {
  return sections(text, markdown).flatMap((s) => pack(s, maxChars));
}
