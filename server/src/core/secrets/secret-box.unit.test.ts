import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox, maskSecret } from './secret-box.js';

describe('SecretBox (AES-256-GCM)', () => {
  const box = createSecretBox(randomBytes(32));

  it('round-trips and never produces the same ciphertext twice', () => {
    const a = box.encrypt('sk-live-abcdef', 'provider:1');
    const b = box.encrypt('sk-live-abcdef', 'provider:1');
    expect(a).not.toBe(b);
    expect(a).not.toContain('abcdef');
    expect(box.decrypt(a, 'provider:1')).toBe('sk-live-abcdef');
    expect(box.decrypt(box.encrypt('ключ 🔑', ''))).toBe('ключ 🔑');
  });

  it('detects tampering, a wrong context and a wrong key', () => {
    const sealed = box.encrypt('secret', 'ctx');
    const parts = sealed.split(':');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    const tampered = [...parts.slice(0, 3), body.toString('base64url')].join(':');
    expect(() => box.decrypt(tampered, 'ctx')).toThrow(expect.objectContaining({ code: 'SECRET_DECRYPT_FAILED' }));
    expect(() => box.decrypt(sealed, 'other')).toThrow(/could not be decrypted/);
    expect(() => createSecretBox(randomBytes(32)).decrypt(sealed, 'ctx')).toThrow(/could not be decrypted/);
    expect(() => box.decrypt('garbage', 'ctx')).toThrow(/Not a sealed secret/);
  });

  it('refuses keys that are not 32 bytes, and masks secrets for display', () => {
    expect(() => createSecretBox(randomBytes(16))).toThrow(/32 bytes/);
    expect(maskSecret('sk-abcdefghijklmnop')).toBe('sk-…mnop');
    expect(maskSecret('short')).toBe('…');
  });
});
