import { AppError, MalformedBodyError } from '../errors.js';

/** A parser's own refusal (busboy throws plain errors); the multipart plugin's limits carry a 4xx status. */
function isParserFailure(error: unknown): boolean {
  if (error instanceof AppError) return false;
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status !== 'number' || status >= 500;
}

/**
 * Runs `read` (which iterates `request.parts()` and reads the files); a body the multipart parser
 * cannot make sense of becomes a 400 instead of an internal error.
 */
export async function readMultipart<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw isParserFailure(error) ? new MalformedBodyError('multipart/form-data', error) : error;
  }
}
