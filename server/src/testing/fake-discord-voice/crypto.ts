import crypto from 'node:crypto';

/** The two transport encryption modes Discord offers (both "rtpsize": the RTP header, extension header included, is the AAD). */
export const VOICE_MODES = ['aead_aes256_gcm_rtpsize', 'aead_xchacha20_poly1305_rtpsize'] as const;
export type VoiceMode = (typeof VOICE_MODES)[number];

export const TAG_BYTES = 16;
/** The nonce on the wire: a 4-byte big-endian counter after the tag, zero-padded to the cipher's nonce size. */
export const NONCE_SUFFIX_BYTES = 4;

export function isVoiceMode(value: unknown): value is VoiceMode {
  return typeof value === 'string' && (VOICE_MODES as readonly string[]).includes(value);
}

/** The padded nonce for a counter: 12 bytes for AES-256-GCM, 24 for XChaCha20. */
export function paddedNonce(mode: VoiceMode, counter: Buffer): Buffer {
  const nonce = Buffer.alloc(mode === 'aead_aes256_gcm_rtpsize' ? 12 : 24);
  counter.copy(nonce, 0, 0, NONCE_SUFFIX_BYTES);
  return nonce;
}

/** ciphertext ‖ tag. */
export function seal(mode: VoiceMode, key: Uint8Array, nonce: Buffer, aad: Buffer, plaintext: Buffer): Buffer {
  if (mode === 'aead_aes256_gcm_rtpsize') {
    const cipher = crypto.createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(aad);
    return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  }
  const { subkey, ietfNonce } = xchachaParts(key, nonce);
  const cipher = crypto.createCipheriv('chacha20-poly1305', subkey, ietfNonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad, { plaintextLength: plaintext.length });
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** Opens ciphertext ‖ tag; throws when the tag does not verify. */
export function open(mode: VoiceMode, key: Uint8Array, nonce: Buffer, aad: Buffer, sealed: Buffer): Buffer {
  const body = sealed.subarray(0, sealed.length - TAG_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  if (mode === 'aead_aes256_gcm_rtpsize') {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, nonce);
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  }
  const { subkey, ietfNonce } = xchachaParts(key, nonce);
  const decipher = crypto.createDecipheriv('chacha20-poly1305', subkey, ietfNonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad, { plaintextLength: body.length });
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]);
}

/**
 * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha) on Node's ChaCha20-Poly1305: the subkey is HChaCha20(key,
 * nonce[0..16]) and the IETF nonce is four zero bytes then nonce[16..24]. Node has no xchacha cipher of its own.
 */
function xchachaParts(key: Uint8Array, nonce: Buffer): { subkey: Buffer; ietfNonce: Buffer } {
  const ietfNonce = Buffer.alloc(12);
  nonce.copy(ietfNonce, 4, 16, 24);
  return { subkey: hchacha20(key, nonce.subarray(0, 16)), ietfNonce };
}

const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574];

/** HChaCha20: 20 ChaCha rounds over (constants, key, 16-byte nonce), output words 0..3 and 12..15. */
export function hchacha20(key: Uint8Array, nonce16: Uint8Array): Buffer {
  const k = Buffer.from(key);
  const n = Buffer.from(nonce16);
  const s = new Uint32Array(16);
  s.set(SIGMA);
  for (let i = 0; i < 8; i++) s[4 + i] = k.readUInt32LE(i * 4);
  for (let i = 0; i < 4; i++) s[12 + i] = n.readUInt32LE(i * 4);
  for (let round = 0; round < 10; round++) doubleRound(s);
  const out = Buffer.alloc(32);
  [0, 1, 2, 3, 12, 13, 14, 15].forEach((word, i) => out.writeUInt32LE(s[word]!, i * 4));
  return out;
}

function doubleRound(s: Uint32Array): void {
  quarterRound(s, 0, 4, 8, 12);
  quarterRound(s, 1, 5, 9, 13);
  quarterRound(s, 2, 6, 10, 14);
  quarterRound(s, 3, 7, 11, 15);
  quarterRound(s, 0, 5, 10, 15);
  quarterRound(s, 1, 6, 11, 12);
  quarterRound(s, 2, 7, 8, 13);
  quarterRound(s, 3, 4, 9, 14);
}

const rotl = (v: number, c: number) => ((v << c) | (v >>> (32 - c))) >>> 0;

function quarterRound(s: Uint32Array, a: number, b: number, c: number, d: number): void {
  s[a] = (s[a]! + s[b]!) >>> 0;
  s[d] = rotl(s[d]! ^ s[a], 16);
  s[c] = (s[c]! + s[d]) >>> 0;
  s[b] = rotl(s[b]! ^ s[c], 12);
  s[a] = (s[a] + s[b]) >>> 0;
  s[d] = rotl(s[d] ^ s[a], 8);
  s[c] = (s[c] + s[d]) >>> 0;
  s[b] = rotl(s[b] ^ s[c], 7);
}
