import { describe, expect, it } from 'vitest';
import { hchacha20, open, seal } from '../../src/testing/fake-discord-voice/crypto.js';
import { parseClientPacket, relayPacket } from '../../src/testing/fake-discord-voice/rtp.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe("the fake voice server's transport encryption", () => {
  it('HChaCha20 matches draft-irtf-cfrg-xchacha-03 §2.2.1', () => {
    const key = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
    const subkey = hchacha20(key, hex('000000090000004a0000000031415927'));
    expect(subkey.toString('hex')).toBe('82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc');
  });

  it('XChaCha20-Poly1305 matches the draft’s AEAD test vector (A.3.1) and libsodium', () => {
    const key = hex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f');
    const nonce = hex('404142434445464748494a4b4c4d4e4f5051525354555657');
    const aad = hex('50515253c0c1c2c3c4c5c6c7');
    const text = Buffer.from(
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
    );
    const sealed = seal('aead_xchacha20_poly1305_rtpsize', key, nonce, aad, text);
    expect(sealed.subarray(0, 16).toString('hex')).toBe('bd6d179d3e83d43b9576579493c0e939');
    expect(sealed.subarray(-16).toString('hex')).toBe('c0875924c1c7987947deafd8780acf49');
    expect(open('aead_xchacha20_poly1305_rtpsize', key, nonce, aad, sealed).equals(text)).toBe(true);
  });

  it.each(['aead_aes256_gcm_rtpsize', 'aead_xchacha20_poly1305_rtpsize'] as const)(
    '%s: a relayed packet (with its header extension) opens to the Opus payload; a flipped bit fails',
    (mode) => {
      const key = Buffer.alloc(32, 7);
      const opus = Buffer.from([0xfc, 1, 2, 3, 4, 5]);
      const packet = relayPacket(mode, key, { sequence: 9, timestamp: 960, ssrc: 1234 }, 41, opus);
      expect(packet.readUInt32BE(packet.length - 4)).toBe(41);
      expect(parseClientPacket(mode, key, packet)).toMatchObject({ payloadType: 120, sequence: 9, ssrc: 1234, opus });
      packet.writeUInt8(packet.readUInt8(20) ^ 1, 20);
      expect(() => parseClientPacket(mode, key, packet)).toThrow();
    },
  );
});
