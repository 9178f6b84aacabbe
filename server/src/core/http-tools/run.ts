import { OutboundBlockedError } from '../../errors.js';
import { answerText, buildRequest } from './request.js';
import type { ArgumentsCheck } from './schema.js';
import type { HttpToolOutcome, HttpToolRecord } from './types.js';

/** Where a call comes from: the channel, the persona route, and whether someone can confirm a side effect. */
export interface CallContext {
  channel: string;
  route: string | null;
  /** True only where a person confirms this very call (the admin's test button). */
  canConfirm: boolean;
  signal?: AbortSignal | undefined;
}

/** What a call did; `result` is what the model reads (an `error: …` line unless the outcome is ok). */
export interface CallResult {
  outcome: HttpToolOutcome;
  httpStatus: number | null;
  latencyMs: number;
  result: string;
}

interface RunInput {
  tool: HttpToolRecord;
  args: Record<string, unknown>;
  check: ArgumentsCheck;
  context: CallContext;
  fetch: typeof fetch;
  headers: Record<string, string>;
}

class ToolTimeout extends Error {}

/** Reads at most `maxBytes` of a body; the rest is dropped (the connection is closed) and the text says so. */
async function readCapped(body: AsyncIterable<Uint8Array> | null, maxBytes: number): Promise<string> {
  if (body === null) return '';
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    parts.push(Buffer.from(chunk));
    size += chunk.byteLength;
    if (size > maxBytes) break;
  }
  const bytes = Buffer.concat(parts);
  if (bytes.length <= maxBytes) return bytes.toString('utf8');
  // A cut inside a multi-byte character leaves one U+FFFD at the end, which is fine for a model.
  return `${bytes.subarray(0, maxBytes).toString('utf8')}\n…(the answer was cut at ${maxBytes} bytes)`;
}

/** Runs `work` with the tool's deadline over the request and the whole body. */
async function withDeadline<T>(
  timeoutMs: number,
  outer: AbortSignal | undefined,
  work: (s: AbortSignal) => Promise<T>,
) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new ToolTimeout()), timeoutMs);
  const signal = outer ? AbortSignal.any([outer, controller.signal]) : controller.signal;
  try {
    return await work(signal);
  } catch (error) {
    if (controller.signal.aborted) throw new ToolTimeout();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

const causeOf = (error: unknown): unknown => (error instanceof Error && error.cause ? error.cause : error);
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

function failure(error: unknown, tool: HttpToolRecord): Pick<CallResult, 'outcome' | 'result'> {
  if (error instanceof ToolTimeout)
    return { outcome: 'timeout', result: `error: the service did not answer within ${tool.timeoutMs} ms` };
  const blocked = [error, causeOf(error)].find((e) => e instanceof OutboundBlockedError);
  if (blocked) return { outcome: 'refused', result: `error: ${messageOf(blocked)}` };
  const code = (causeOf(error) as { code?: unknown }).code;
  const detail = typeof code === 'string' ? code : messageOf(error);
  return { outcome: 'failed', result: `error: the service could not be reached (${detail})` };
}

async function send(input: RunInput, signal: AbortSignal): Promise<Omit<CallResult, 'latencyMs'>> {
  const { tool } = input;
  const built = buildRequest(tool.method, tool.urlTemplate, input.args);
  const headers: Record<string, string> = { accept: 'application/json, text/plain;q=0.9, */*;q=0.5', ...input.headers };
  if (built.body !== undefined) headers['content-type'] = 'application/json';
  const response = await input.fetch(built.url, {
    method: tool.method,
    headers,
    body: built.body,
    signal,
    redirect: 'manual',
  });
  const body = await readCapped(response.body as AsyncIterable<Uint8Array> | null, tool.maxResponseBytes);
  if (response.status < 200 || response.status >= 300)
    return {
      outcome: 'http_error',
      httpStatus: response.status,
      result: `error: the service answered HTTP ${response.status}: ${body.slice(0, 500)}`,
    };
  return {
    outcome: 'ok',
    httpStatus: response.status,
    result: answerText(body, response.headers.get('content-type'), tool.responsePath),
  };
}

/**
 * One call of an HTTP tool: refused when it has side effects and no one can confirm, the arguments checked
 * against the schema, then one request through the outbound guard within the tool's deadline, its answer
 * size-capped. Never throws: every way it ends is a result the model can read.
 */
export async function runHttpTool(input: RunInput): Promise<CallResult> {
  const startedAt = performance.now();
  const done = (r: Omit<CallResult, 'latencyMs'>): CallResult => ({
    ...r,
    latencyMs: Math.round(performance.now() - startedAt),
  });
  if (input.tool.sideEffects && !input.context.canConfirm)
    return done({
      outcome: 'refused',
      httpStatus: null,
      result:
        'error: this tool changes something and needs a confirmation no one can give in this conversation; ' +
        'say you cannot do it here and offer to take a message',
    });
  const invalid = input.check(input.args);
  if (invalid !== null) return done({ outcome: 'invalid_arguments', httpStatus: null, result: `error: ${invalid}` });
  try {
    return done(await withDeadline(input.tool.timeoutMs, input.context.signal, (signal) => send(input, signal)));
  } catch (error) {
    return done({ ...failure(error, input.tool), httpStatus: null });
  }
}
