import { NONCE_SUFFIX_BYTES, open, paddedNonce, seal, TAG_BYTES, type VoiceMode } from './crypto.js';

/** Discord's payload type for Opus. */
export const OPUS_PAYLOAD_TYPE = 120;
const RTP_HEADER_BYTES = 12;
/** The one-byte header extension profile (RFC 8285) Discord puts on the packets it relays. */
const EXTENSION_PROFILE = 0xbede;

export interface RtpFields {
  sequence: number;
  timestamp: number;
  ssrc: number;
}

export interface ParsedRtp extends RtpFields {
  payloadType: number;
  /** The Opus packet, transport encryption removed and the extension body skipped. */
  opus: Buffer;
}

/**
 * An encrypted packet as Discord relays a user's audio: V=2 with X set, an extension of one 32-bit word whose
 * header (profile, length) is AAD with the fixed header and whose body is encrypted with the Opus packet
 * ("rtpsize"), then the tag and the 4-byte nonce counter.
 */
export function relayPacket(
  mode: VoiceMode,
  key: Uint8Array,
  fields: RtpFields,
  counter: number,
  opus: Buffer,
): Buffer {
  const header = Buffer.alloc(RTP_HEADER_BYTES + 4);
  header[0] = 0x90;
  header[1] = OPUS_PAYLOAD_TYPE;
  header.writeUInt16BE(fields.sequence & 0xffff, 2);
  header.writeUInt32BE(fields.timestamp >>> 0, 4);
  header.writeUInt32BE(fields.ssrc >>> 0, 8);
  header.writeUInt16BE(EXTENSION_PROFILE, 12);
  header.writeUInt16BE(1, 14);
  const extensionBody = Buffer.from([0x10, 0xff, 0x00, 0x00]); // one audio-level element, then padding
  const suffix = Buffer.alloc(NONCE_SUFFIX_BYTES);
  suffix.writeUInt32BE(counter >>> 0, 0);
  const sealed = seal(mode, key, paddedNonce(mode, suffix), header, Buffer.concat([extensionBody, opus]));
  return Buffer.concat([header, sealed, suffix]);
}

/** Decrypts a client's packet (plain 12-byte header, or one with an extension as above); throws on a bad tag. */
export function parseClientPacket(mode: VoiceMode, key: Uint8Array, packet: Buffer): ParsedRtp {
  if (packet.length < RTP_HEADER_BYTES + TAG_BYTES + NONCE_SUFFIX_BYTES) throw new Error('RTP packet too short');
  const hasExtension = (packet[0]! & 0x10) !== 0;
  const headerBytes = RTP_HEADER_BYTES + (hasExtension ? 4 : 0);
  const header = packet.subarray(0, headerBytes);
  const suffix = packet.subarray(packet.length - NONCE_SUFFIX_BYTES);
  const sealed = packet.subarray(headerBytes, packet.length - NONCE_SUFFIX_BYTES);
  let body = open(mode, key, paddedNonce(mode, suffix), header, sealed);
  if (hasExtension) body = body.subarray(4 * packet.readUInt16BE(14));
  return {
    payloadType: packet[1]! & 0x7f,
    sequence: packet.readUInt16BE(2),
    timestamp: packet.readUInt32BE(4),
    ssrc: packet.readUInt32BE(8),
    opus: body,
  };
}

/** Whether a UDP datagram is RTP (version 2) rather than IP discovery or a keep-alive. */
export function isRtp(packet: Buffer): boolean {
  return packet.length > RTP_HEADER_BYTES && packet[0]! >> 6 === 2;
}

/** The 74-byte IP discovery response: type 2, length 70, SSRC, the address seen (NUL-padded to 64), the port. */
export function discoveryResponse(ssrc: number, address: string, port: number): Buffer {
  const packet = Buffer.alloc(74);
  packet.writeUInt16BE(2, 0);
  packet.writeUInt16BE(70, 2);
  packet.writeUInt32BE(ssrc >>> 0, 4);
  packet.write(address, 8, 'utf8');
  packet.writeUInt16BE(port, 72);
  return packet;
}

/** A 74-byte IP discovery request (type 1, length 70); returns its SSRC, or undefined for anything else. */
export function discoveryRequestSsrc(packet: Buffer): number | undefined {
  if (packet.length !== 74 || packet.readUInt16BE(0) !== 1 || packet.readUInt16BE(2) !== 70) return undefined;
  return packet.readUInt32BE(4);
}
