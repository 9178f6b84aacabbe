import { describe, expect, it } from 'vitest';
import { decodePdu, encodeDeliver, encodeSms, encodeStatusReport, planSms, PduError } from '../../src/core/gsm/pdu.js';
import { CYRILLIC_LONG } from './helpers.js';

describe('SMS PDU codec', () => {
  it('encodes a Latin SMS as GSM-7 (known vector)', () => {
    const [pdu] = encodeSms('+79161234567', 'Hello world', 1, false);
    expect(pdu?.hex).toBe('0011000B919761214365F70000AA0BC8329BFD06DDDF723619');
    expect(pdu?.tpduLength).toBe(24);
  });

  it('decodes a real SMS-DELIVER from a SIM (known vector)', () => {
    const sms = decodePdu('07919730071111F1000B919746121611F10000811170021222230DC8329BFD6681EE6F399B1C02');
    expect(sms).toMatchObject({
      type: 'deliver',
      sender: '+79642161111',
      text: 'Hello, world!',
      encoding: 'gsm7',
      concat: null,
    });
  });

  it('chooses UCS2 for Cyrillic: 70 single, 67 per part; GSM-7 160/153', () => {
    expect(planSms('я'.repeat(70)).parts).toHaveLength(1);
    expect(planSms('я'.repeat(71)).parts.map((p) => p.length)).toEqual([67, 4]);
    expect(planSms('a'.repeat(160))).toEqual({ encoding: 'gsm7', parts: ['a'.repeat(160)] });
    expect(planSms('a'.repeat(161)).parts.map((p) => p.length)).toEqual([153, 8]);
    // "€" takes two septets and is never split from its escape
    expect(planSms('€'.repeat(80)).parts).toHaveLength(1);
    expect(planSms('€'.repeat(81)).parts.map((p) => p.length)).toEqual([76, 5]);
  });

  it('never splits a surrogate pair (emoji) across parts', () => {
    const text = `${'я'.repeat(66)}😀${'я'.repeat(10)}`;
    const parts = planSms(text).parts;
    expect(parts.join('')).toBe(text);
    for (const part of parts) expect(part).toBe(Buffer.from(part, 'utf16le').toString('utf16le'));
    expect(parts[0]).toBe('я'.repeat(66));
  });

  it('round-trips multipart Cyrillic and extension characters through DELIVER PDUs', () => {
    for (const text of [CYRILLIC_LONG, 'Price: 5€ [a|b] {c} ~^\\', 'x'.repeat(400)]) {
      const plan = planSms(text);
      const decoded = plan.parts.map((part, i) =>
        decodePdu(
          encodeDeliver({
            from: '+4915112345',
            text: part,
            encoding: plan.encoding,
            concat: plan.parts.length > 1 ? { reference: 200, total: plan.parts.length, sequence: i + 1 } : null,
            sentAtMs: Date.UTC(2026, 10, 21, 12, 0, 0),
          }),
        ),
      );
      expect(decoded.map((d) => (d.type === 'deliver' ? d.text : '')).join('')).toBe(text);
      const first = decoded[0];
      if (first?.type !== 'deliver') throw new Error('expected deliver');
      expect(first.sentAtMs).toBe(Date.UTC(2026, 10, 21, 12, 0, 0));
      expect(first.sender).toBe('+4915112345');
    }
  });

  it('decodes status reports', () => {
    expect(
      decodePdu(encodeStatusReport({ messageReference: 42, recipient: '+79161234567', statusCode: 0, atMs: 0 })),
    ).toMatchObject({ type: 'status-report', messageReference: 42, recipient: '+79161234567', status: 'delivered' });
    expect(
      decodePdu(encodeStatusReport({ messageReference: 1, recipient: '123', statusCode: 0x41, atMs: 0 })),
    ).toMatchObject({ status: 'failed', recipient: '123' });
  });

  it('rejects garbage with PduError, never anything else', () => {
    for (const bad of ['', 'ZZ', '0', '00', '0004', '07919730071111F1000B9197', 'FF'.repeat(3), '0001000B91']) {
      expect(() => decodePdu(bad), bad).toThrow(PduError);
    }
    for (let i = 0; i < 500; i++) {
      const hex = Buffer.from(Array.from({ length: 1 + (i % 60) }, (_, k) => (k * 37 + i * 11) % 256)).toString('hex');
      try {
        decodePdu(hex);
      } catch (error) {
        expect(error).toBeInstanceOf(PduError);
      }
    }
  });

  it('refuses invalid numbers when encoding', () => {
    expect(() => encodeSms('', 'x', 1)).toThrow(PduError);
    expect(() => encodeSms('+', 'x', 1)).toThrow(PduError);
  });
});
