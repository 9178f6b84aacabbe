import { createHash, randomBytes, randomUUID } from 'node:crypto';

export const newId = (): string => randomUUID();

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * A bearer secret shown once: `<kind><8 alphanumerics>_<43 base64url>` (256 random bits). The part before
 * `_` is kept in clear as the visible prefix; the whole secret only as its SHA-256 (a slow password hash
 * would add latency to every request and no security). Used by API keys and widget tokens.
 */
export function mintSecret(kind: string): { secret: string; prefix: string; hash: string } {
  const prefix =
    kind +
    randomToken(4)
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, 4) +
    newId().slice(0, 4);
  const secret = `${prefix}_${randomToken(32)}`;
  return { secret, prefix, hash: sha256Hex(secret) };
}
