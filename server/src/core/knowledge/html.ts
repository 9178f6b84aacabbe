const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/**
 * HTML as the splitter's markdown: `<h1>`–`<h6>` become `#` headings, block elements end paragraphs, scripts,
 * styles and every other tag go. Enough for exported pages and mammoth's DOCX output, not a browser.
 */
export function htmlToMarkdown(html: string): string {
  return decodeEntities(
    html
      .replace(/<(script|style|head|template)\b[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .replace(/<h([1-6])\b[^>]*>([\s\S]*?)<\/h\1\s*>/gi, (_m, level: string, inner: string) => {
        return `\n\n${'#'.repeat(Number(level))} ${inner
          .replace(/<[^>]*>/g, ' ')
          .replace(/\s+/g, ' ')
          .trim()}\n\n`;
      })
      .replace(/<\/?(p|div|section|article|li|ul|ol|table|tr|blockquote|pre|br|hr)\b[^>]*>/gi, '\n\n')
      .replace(/<\/?(td|th)\b[^>]*>/gi, ' ')
      .replace(/<[^>]*>/g, ''),
  )
    .replace(/[ \t]+/g, ' ')
    .replace(/\n\s*\n\s*/g, '\n\n')
    .trim();
}
