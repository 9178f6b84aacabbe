import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AsyncQueue } from '@ai-secretary/protocol';
import { AtDriver } from '../../src/core/gsm/at-driver.js';
import type { Urc } from '../../src/core/gsm/at-lines.js';
import { createLineSplitter } from '../../src/core/gsm/line-splitter.js';
import type { AtTransport } from '../../src/core/gsm/types.js';
import { GsmAtError, GsmUnavailableError } from '../../src/errors.js';

/** A scripted far end: records writes, lets the test push raw modem output (with arbitrary fragmentation). */
function createWire() {
  const lines = new AsyncQueue<string>({ endOnReturn: true });
  const splitter = createLineSplitter((line) => lines.push(line));
  const written: string[] = [];
  const transport: AtTransport = {
    write: async (text) => void written.push(text),
    lines: () => lines,
    close: async () => lines.end(),
  };
  return { transport, written, feed: (text: string) => splitter.push(text), lines };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('AtDriver', () => {
  let wire: ReturnType<typeof createWire>;
  let driver: AtDriver;
  let urcs: Urc[];
  beforeEach(() => {
    wire = createWire();
    driver = new AtDriver(wire.transport, 1000);
    urcs = [];
    driver.on('urc', (u) => urcs.push(u));
  });
  afterEach(async () => {
    vi.useRealTimers();
    await driver.close();
  });

  it('collects multi-line responses and classifies URCs that arrive inside them', async () => {
    const pending = driver.send('AT+CMGL=4');
    await flush();
    wire.feed('\r\n+CMGL: 0,0,,24\r\n0791AB\r\n\r\nRING\r\n\r\n+CLIP: "+4911",145,"",0\r\n+CMGL: 1,1,,2');
    wire.feed('4\r\n0791CD\r\n\r\nOK\r\n');
    expect((await pending).lines).toEqual(['+CMGL: 0,0,,24', '0791AB', '+CMGL: 1,1,,24', '0791CD']);
    expect(urcs.map((u) => u.name)).toEqual(['RING', '+CLIP']);
    expect(urcs[1]?.args).toBe('"+4911",145,"",0');
  });

  it('treats a +CREG line as the answer of AT+CREG? but as a URC otherwise', async () => {
    const pending = driver.send('AT+CREG?');
    await flush();
    wire.feed('\r\n+CEREG: 1\r\n+CREG: 0,1\r\nOK\r\n');
    expect((await pending).lines).toEqual(['+CREG: 0,1']);
    expect(urcs).toEqual([{ name: '+CEREG', args: '1' }]);
  });

  it('maps +CME / +CMS errors to their meaning', async () => {
    const a = driver.send('AT+CPIN?');
    await flush();
    wire.feed('\r\n+CME ERROR: 10\r\n');
    await expect(a).rejects.toMatchObject({ code: 'GSM_AT_ERROR', message: 'AT+CPIN failed: SIM not inserted' });
    const b = driver.send('AT+CMGS=10', { payload: '00' });
    await flush();
    wire.feed('\r\n+CMS ERROR: 330\r\n');
    const error = await b.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GsmAtError);
    expect((error as GsmAtError).details).toEqual({ kind: 'CMS', code: 330, meaning: 'SMSC address unknown' });
  });

  it('writes the payload after the "> " prompt and ends it with Ctrl-Z', async () => {
    const pending = driver.send('AT+CMGS=12', { payload: '0011AABB' });
    await flush();
    wire.feed('\r\n> ');
    await flush();
    expect(wire.written).toEqual(['AT+CMGS=12\r', '0011AABB\x1a']);
    wire.feed('\r\n+CMGS: 7\r\n\r\nOK\r\n');
    expect((await pending).lines).toEqual(['+CMGS: 7']);
  });

  it('delivers two-line URCs (+CDS) with their PDU, even in the middle of a response', async () => {
    const pending = driver.send('AT+CSQ');
    await flush();
    wire.feed('\r\n+CDS: 25\r\n07911234\r\n+CSQ: 20,99\r\n\r\nOK\r\n');
    expect((await pending).lines).toEqual(['+CSQ: 20,99']);
    expect(urcs).toEqual([{ name: '+CDS', args: '25', pdu: '07911234' }]);
  });

  it('runs one command at a time, in order', async () => {
    const a = driver.send('AT+A');
    const b = driver.send('AT+B');
    await flush();
    expect(wire.written).toEqual(['AT+A\r']);
    wire.feed('OK\r\n');
    await a;
    await flush();
    expect(wire.written).toEqual(['AT+A\r', 'AT+B\r']);
    wire.feed('ERROR\r\n');
    await expect(b).rejects.toBeInstanceOf(GsmAtError);
  });

  it('times out a silent command (fake timers) and moves on to the next', async () => {
    vi.useFakeTimers();
    const a = driver.send('AT+SLOW', { timeoutMs: 3000 });
    const b = driver.send('AT');
    const aResult = a.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(2999);
    expect(driver.pendingCount).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    const error = await aResult;
    expect(error).toBeInstanceOf(GsmUnavailableError);
    expect((error as GsmUnavailableError).code).toBe('GSM_AT_TIMEOUT');
    await vi.advanceTimersByTimeAsync(0);
    expect(wire.written.at(-1)).toBe('AT\r');
    wire.feed('OK\r\n');
    await expect(b).resolves.toEqual({ lines: [] });
  });

  it('cancels an SMS whose prompt never comes with ESC', async () => {
    vi.useFakeTimers();
    const pending = driver.send('AT+CMGS=5', { payload: 'AB', timeoutMs: 500 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(500);
    expect(await pending).toMatchObject({ code: 'GSM_AT_TIMEOUT' });
    expect(wire.written).toContain('\x1b');
  });

  it('fails everything pending when the port closes, and refuses new commands', async () => {
    const a = driver.send('AT');
    const b = driver.send('AT+CSQ');
    wire.lines.end();
    await expect(a).rejects.toMatchObject({ code: 'GSM_UNAVAILABLE' });
    await expect(b).rejects.toMatchObject({ code: 'GSM_UNAVAILABLE' });
    await expect(driver.send('AT')).rejects.toMatchObject({ code: 'GSM_UNAVAILABLE' });
  });

  it('ignores the echo of the command (before ATE0)', async () => {
    const pending = driver.send('ATI');
    await flush();
    wire.feed('ATI\r\r\nModel: SIM7600\r\n\r\nOK\r\n');
    expect((await pending).lines).toEqual(['Model: SIM7600']);
  });
});

describe('AT parser fuzz', () => {
  const TOKENS = [
    'OK',
    'ERROR',
    '+CME ERROR: 3',
    '+CMS ERROR: 500',
    'RING',
    '+CLIP: "+1",145',
    '+CLCC: 1,1,4,0,0,"+1",145',
    '+CMTI: "SM",3',
    '+CDS: 25',
    '07911234',
    '> ',
    'NO CARRIER',
    '+CSQ: 1,99',
    '',
    '\u0000\u00ff',
    'VOICE CALL: END: 0',
    '+CPIN: READY',
    '+CMGS: 4',
  ];

  function randomGarbage(rand: () => number): string {
    const n = Math.floor(rand() * 12);
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(Math.floor(rand() * 256));
    return s;
  }

  function mulberry32(seed: number) {
    return () => {
      seed |= 0;
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  it('survives random, truncated and interleaved lines without crashing or a stuck queue', async () => {
    vi.useFakeTimers();
    try {
      for (let seed = 1; seed <= 40; seed++) {
        const rand = mulberry32(seed);
        const wire = createWire();
        const driver = new AtDriver(wire.transport, 200);
        driver.on('urc', () => undefined);
        const results: Array<Promise<unknown>> = [];
        for (let i = 0; i < 30; i++) {
          results.push(driver.send(`AT+X${i}`, rand() < 0.2 ? { payload: 'AB' } : {}).catch((e: unknown) => e));
          const pieces = Math.floor(rand() * 6);
          for (let p = 0; p < pieces; p++) {
            const token = rand() < 0.2 ? randomGarbage(rand) : (TOKENS[Math.floor(rand() * TOKENS.length)] as string);
            const ending = ['\r\n', '\r', '\n', '', '\r\n\r\n'][Math.floor(rand() * 5)] as string;
            const text = token + ending;
            const cut = Math.floor(rand() * (text.length + 1));
            wire.feed(text.slice(0, cut)); // truncated, the rest later (or never)
            if (rand() < 0.7) wire.feed(text.slice(cut));
          }
          await vi.advanceTimersByTimeAsync(Math.floor(rand() * 100));
        }
        await vi.advanceTimersByTimeAsync(30 * 200 + 1000);
        const settled = await Promise.all(results);
        expect(settled).toHaveLength(30);
        expect(driver.pendingCount).toBe(0);
        // Still works afterwards.
        const after = driver.send('AT');
        await vi.advanceTimersByTimeAsync(0);
        wire.feed('\r\nOK\r\n');
        await expect(after).resolves.toBeDefined();
        await driver.close();
      }
    } finally {
      vi.useRealTimers();
    }
  });
});
