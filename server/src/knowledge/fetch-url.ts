import { KnowledgeInputError, KnowledgeTooLargeError, OutboundBlockedError } from '../errors.js';

const EXTENSION_BY_TYPE: Array<[RegExp, string]> = [
  [/^text\/html|^application\/xhtml\+xml/, '.html'],
  [/^text\/markdown/, '.md'],
  [/^text\/plain/, '.txt'],
  [/^application\/pdf/, '.pdf'],
  [/^application\/vnd\.openxmlformats-officedocument\.wordprocessingml\.document/, '.docx'],
];

export interface FetchedDocument {
  /** A file name whose extension says the content type (what the upload extractor reads). */
  fileName: string;
  file: Buffer;
}

async function readAtMost(body: AsyncIterable<Uint8Array> | null, maxBytes: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body ?? []) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new KnowledgeTooLargeError(maxBytes);
    parts.push(Buffer.from(chunk));
  }
  return Buffer.concat(parts);
}

/** Drops an unread body (a node stream or a web stream), closing its connection. */
function discard(body: unknown): void {
  const stream = body as { destroy?: () => void; cancel?: () => Promise<void> } | null;
  if (stream?.destroy) stream.destroy();
  else void stream?.cancel?.().catch(() => undefined);
}

function nameFor(url: URL, contentType: string): string {
  const match = EXTENSION_BY_TYPE.find(([type]) => type.test(contentType.toLowerCase()));
  if (!match)
    throw new KnowledgeInputError(
      `The page is "${contentType || 'of no type'}", not a document`,
      'URL_NOT_A_DOCUMENT',
      415,
    );
  const last = url.pathname.split('/').filter(Boolean).at(-1) ?? url.hostname;
  return `${last.replace(/\.[^.]*$/, '') || url.hostname}${match[1]}`;
}

/**
 * A document the admin names by URL, fetched once through the outbound guard (`fetch` carries the policy; no
 * redirects followed), within `timeoutMs` and `maxBytes`, typed by its Content-Type.
 */
export async function fetchDocument(
  url: string,
  options: { fetch: typeof fetch; maxBytes: number; timeoutMs: number },
): Promise<FetchedDocument> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  let response: Response;
  try {
    response = await options.fetch(url, {
      method: 'GET',
      headers: { accept: 'text/html, text/*, application/pdf, */*;q=0.5' },
      signal,
      redirect: 'manual',
    });
  } catch (error) {
    if (error instanceof OutboundBlockedError) throw error;
    const reason = signal.aborted
      ? `no answer within ${options.timeoutMs} ms`
      : ((error as { code?: string }).code ?? 'unreachable');
    throw new KnowledgeInputError(`The page could not be fetched (${reason})`, 'URL_UNREACHABLE');
  }
  if (response.status < 200 || response.status >= 300) {
    discard(response.body);
    throw new KnowledgeInputError(`The page answered HTTP ${response.status}`, 'URL_HTTP_ERROR');
  }
  const file = await readAtMost(response.body as AsyncIterable<Uint8Array> | null, options.maxBytes);
  return { fileName: nameFor(new URL(url), response.headers.get('content-type') ?? ''), file };
}
