import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '../../errors.js';

const VERSION = 'v1';

/** Encrypts stored secrets (provider API keys, bot tokens) with AES-256-GCM. */
export interface SecretBox {
  encrypt(plaintext: string, context?: string): string;
  decrypt(sealed: string, context?: string): string;
}

/**
 * `context` is bound as additional authenticated data, so a sealed value copied into another
 * field (say, from one provider's row to another's) fails to open.
 */
export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new AppError('CONFIG_INVALID', 'The encryption key must be 32 bytes');
  return {
    encrypt(plaintext, context = '') {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [
        VERSION,
        iv.toString('base64url'),
        cipher.getAuthTag().toString('base64url'),
        body.toString('base64url'),
      ].join(':');
    },
    decrypt(sealed, context = '') {
      const [version, iv, tag, body] = sealed.split(':');
      if (version !== VERSION || iv === undefined || tag === undefined || body === undefined) {
        throw new AppError('SECRET_DECRYPT_FAILED', 'Not a sealed secret');
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      } catch (cause) {
        throw new AppError('SECRET_DECRYPT_FAILED', 'The secret could not be decrypted with this key', { cause });
      }
    },
  };
}

/** Shows enough of a secret to recognise it, e.g. `sk-…a1b2`. */
export function maskSecret(secret: string): string {
  if (secret.length <= 8) return '…';
  return `${secret.slice(0, 3)}…${secret.slice(-4)}`;
}
