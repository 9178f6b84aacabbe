import type { MessageEntity } from 'grammy/types';
import { badRequest } from './wire.js';

/** Plain text plus the entities Telegram would derive from `parse_mode` markup. */
export interface ParsedText {
  text: string;
  entities: MessageEntity[];
}

type EntityType = MessageEntity['type'];

const HTML_TAGS: Record<string, EntityType> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  'tg-spoiler': 'spoiler',
  span: 'spoiler',
  a: 'text_link',
  code: 'code',
  pre: 'pre',
  blockquote: 'blockquote',
  'tg-emoji': 'custom_emoji',
};

const HTML_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

interface OpenTag {
  name: string;
  type: EntityType;
  offset: number;
  url?: string;
}

const cantParse = (detail: string) => badRequest(`can't parse entities: ${detail}`);

function byteOffset(source: string, index: number): number {
  return Buffer.byteLength(source.slice(0, index));
}

function decodeHtmlEntity(source: string, index: number): { char: string; length: number } {
  const match = /^&(lt|gt|amp|quot|#\d+|#x[0-9a-f]+);/i.exec(source.slice(index, index + 12));
  if (!match) return { char: '&', length: 1 }; // loose: a bare '&' stays literal
  const name = match[1]!;
  const char = name.startsWith('#')
    ? String.fromCodePoint(
        Number(name.startsWith('#x') || name.startsWith('#X') ? `0x${name.slice(2)}` : name.slice(1)),
      )
    : HTML_ENTITIES[name.toLowerCase()]!;
  return { char, length: match[0].length };
}

function openTag(name: string, attributes: string, offset: number): OpenTag {
  const type = HTML_TAGS[name];
  if (!type) throw cantParse(`Unsupported start tag "${name}"`);
  const href = /href\s*=\s*"([^"]*)"/i.exec(attributes)?.[1];
  return href === undefined ? { name, type, offset } : { name, type, offset, url: href };
}

function closeTag(stack: OpenTag[], name: string, offset: number, at: number): MessageEntity | undefined {
  const open = stack.pop();
  if (!open) throw cantParse(`Unexpected end tag at byte offset ${at}`);
  if (open.name !== name) {
    throw cantParse(`Unmatched end tag at byte offset ${at}, expected "</${open.name}>", found "</${name}>"`);
  }
  if (offset === open.offset) return undefined;
  const entity = { type: open.type, offset: open.offset, length: offset - open.offset } as MessageEntity;
  return open.url === undefined ? entity : ({ ...entity, url: open.url } as MessageEntity);
}

/** Telegram's HTML parse mode, loosely: supported tags must nest and balance; `&lt;` `&gt;` `&amp;` `&quot;` `&#N;` decode. */
export function parseHtml(source: string): ParsedText {
  const stack: OpenTag[] = [];
  const entities: MessageEntity[] = [];
  let text = '';
  for (let i = 0; i < source.length;) {
    const char = source[i]!;
    if (char === '&') {
      const decoded = decodeHtmlEntity(source, i);
      text += decoded.char;
      i += decoded.length;
      continue;
    }
    if (char !== '<') {
      text += char;
      i += 1;
      continue;
    }
    const tag = /^<(\/?)([a-zA-Z][\w-]*)([^<>]*)>/.exec(source.slice(i));
    if (!tag) throw cantParse(`Can't find end of the tag at byte offset ${byteOffset(source, i)}`);
    const [whole, slash, rawName, attributes] = tag;
    const name = rawName!.toLowerCase();
    if (slash) {
      const entity = closeTag(stack, name, text.length, byteOffset(source, i));
      if (entity) entities.push(entity);
    } else stack.push(openTag(name, attributes!, text.length));
    i += whole.length;
  }
  const unclosed = stack.pop();
  if (unclosed) throw cantParse(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  return { text, entities: entities.sort((a, b) => a.offset - b.offset) };
}

/** Characters MarkdownV2 never uses as markup; unescaped they are refused, as Telegram does. */
const MARKDOWN_V2_RESERVED = new Set(['.', '!', '-', '=', '+', '#', '{', '}']);

/** MarkdownV2, loosely: reserved characters must be escaped; no entities are derived. */
export function parseMarkdownV2(source: string): ParsedText {
  let text = '';
  for (let i = 0; i < source.length; i += 1) {
    const char = source[i]!;
    if (char === '\\' && i + 1 < source.length) {
      text += source[(i += 1)]!;
      continue;
    }
    if (MARKDOWN_V2_RESERVED.has(char)) {
      throw cantParse(`Character '${char}' is reserved and must be escaped with the preceding '\\'`);
    }
    text += char;
  }
  return { text, entities: [] };
}

export function parseMessageText(text: string, parseMode: unknown, entities: unknown): ParsedText {
  if (parseMode === undefined || parseMode === '' || parseMode === null) {
    return { text, entities: Array.isArray(entities) ? (entities as MessageEntity[]) : [] };
  }
  if (parseMode === 'HTML') return parseHtml(text);
  if (parseMode === 'MarkdownV2') return parseMarkdownV2(text);
  if (parseMode === 'Markdown') return { text, entities: [] };
  throw badRequest(`unsupported parse_mode`);
}

const AUTO_ENTITY_PATTERNS: Array<[EntityType, RegExp]> = [
  ['bot_command', /(?<![\w/@])\/[a-zA-Z0-9_]{1,32}(?:@[a-zA-Z0-9_]{3,32})?/g],
  ['mention', /(?<![\w@/])@[a-zA-Z0-9_]{4,32}/g],
  ['url', /https?:\/\/[^\s]+/g],
];

/** The entities Telegram adds to a user's plain text (commands, mentions, links). */
export function detectEntities(text: string): MessageEntity[] {
  const found = AUTO_ENTITY_PATTERNS.flatMap(([type, pattern]) =>
    [...text.matchAll(pattern)].map(
      (match) => ({ type, offset: match.index, length: match[0].length }) as MessageEntity,
    ),
  );
  return found.sort((a, b) => a.offset - b.offset);
}
