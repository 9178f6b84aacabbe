import path from 'node:path';
import mammoth from 'mammoth';
import { extractText } from 'unpdf';
import type { DocumentFormat } from '../core/knowledge/types.js';
import { KnowledgeInputError } from '../errors.js';

/** An uploaded file's text and the format the splitter reads it in. */
export interface ExtractedDocument {
  text: string;
  format: DocumentFormat;
}

export const UPLOAD_EXTENSIONS = ['.md', '.markdown', '.txt', '.html', '.htm', '.pdf', '.docx'] as const;

const PDF_MAGIC = Buffer.from('%PDF-');
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

function utf8(file: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(file).replace(/^\uFEFF/, '');
  } catch {
    throw new KnowledgeInputError('The file is not UTF-8 text', 'NOT_UTF8');
  }
}

async function pdfText(file: Buffer): Promise<string> {
  if (!file.subarray(0, PDF_MAGIC.length).equals(PDF_MAGIC))
    throw new KnowledgeInputError('The file is named .pdf but is not a PDF', 'NOT_A_PDF');
  try {
    return (await extractText(new Uint8Array(file), { mergePages: true })).text;
  } catch {
    throw new KnowledgeInputError('The PDF could not be read', 'PDF_UNREADABLE');
  }
}

async function docxHtml(file: Buffer): Promise<string> {
  if (!file.subarray(0, ZIP_MAGIC.length).equals(ZIP_MAGIC))
    throw new KnowledgeInputError('The file is named .docx but is not a Word document', 'NOT_A_DOCX');
  try {
    return (await mammoth.convertToHtml({ buffer: file })).value;
  } catch {
    throw new KnowledgeInputError('The Word document could not be read', 'DOCX_UNREADABLE');
  }
}

/** The text of an upload, by its extension; the content must be what the extension says. */
export async function extractDocument(fileName: string, file: Buffer): Promise<ExtractedDocument> {
  if (file.length === 0) throw new KnowledgeInputError('The uploaded file is empty', 'EMPTY_FILE');
  const extension = path.extname(fileName).toLowerCase();
  switch (extension) {
    case '.md':
    case '.markdown':
      return { text: utf8(file), format: 'markdown' };
    case '.txt':
      return { text: utf8(file), format: 'text' };
    case '.html':
    case '.htm':
      return { text: utf8(file), format: 'html' };
    case '.pdf':
      return { text: await pdfText(file), format: 'text' };
    case '.docx':
      return { text: await docxHtml(file), format: 'html' };
    default:
      throw new KnowledgeInputError(
        `Files of type "${extension || fileName}" are not taken; send ${UPLOAD_EXTENSIONS.join(', ')}`,
        'UNKNOWN_EXTENSION',
        415,
      );
  }
}
