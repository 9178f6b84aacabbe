import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InProcessSimulator } from '../../src/channels/gsm/simulator/in-process.js';
import { AsyncQueue } from '@ai-secretary/protocol';
import { Modem, type ModemState } from '../../src/core/gsm/modem.js';
import type { AtTransport } from '../../src/core/gsm/types.js';

const logger = pino({ level: 'silent' });

function createModem(openTransport: () => Promise<AtTransport>) {
  const modem = new Modem({
    openTransport,
    portName: '/dev/ttyUSB2',
    simulated: false,
    pcmRateHz: 8000,
    logger,
    commandTimeoutMs: 1000,
    reconnectDelayMs: 2000,
    healthIntervalMs: 30_000,
    resetTimeoutMs: 20_000,
  });
  const states: ModemState[] = [];
  modem.on('stateChange', (_, to) => states.push(to));
  return { modem, states };
}

describe('Modem state machine (fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('initializes against the simulator and reaches ready with status filled in', async () => {
    const sim = new InProcessSimulator();
    const { modem, states } = createModem(async () => sim.openTransport());
    modem.start();
    await vi.advanceTimersByTimeAsync(100);
    expect(states).toEqual(['opening', 'initializing', 'ready']);
    expect(modem.snapshot()).toMatchObject({
      simReady: true,
      operator: 'SimNet',
      registration: 'home',
      signal: { rssi: 23, dbm: -67 },
      ownNumber: '+15550001111',
      model: 'SIMCOM_SIM7600E-H',
    });
    expect(sim.emulator.commands.slice(0, 3)).toEqual(['AT', 'ATE0', 'AT+CMEE=1']);
    await modem.close();
    sim.dispose();
  });

  it('polls health every interval while ready', async () => {
    const sim = new InProcessSimulator();
    const { modem } = createModem(async () => sim.openTransport());
    modem.start();
    await vi.advanceTimersByTimeAsync(100);
    const csq = () => sim.emulator.commands.filter((c) => c === 'AT+CSQ').length;
    expect(csq()).toBe(1);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(csq()).toBe(2);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(csq()).toBe(4);
    modem.setInCall(true); // health keeps running during a call
    await vi.advanceTimersByTimeAsync(30_000);
    expect(csq()).toBe(5);
    modem.setInCall(false);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(csq()).toBe(6);
    await modem.close();
    sim.dispose();
  });

  it('gives up on a silent module after the AT retries, closes the port and reconnects later', async () => {
    let opened = 0;
    const silent = (): AtTransport => {
      const lines = new AsyncQueue<string>({ endOnReturn: true });
      return { write: async () => undefined, lines: () => lines, close: async () => lines.end() };
    };
    const { modem, states } = createModem(async () => (opened++, silent()));
    modem.start();
    await vi.advanceTimersByTimeAsync(4999);
    expect(states).toEqual(['opening', 'initializing']);
    await vi.advanceTimersByTimeAsync(1);
    expect(states).toEqual(['opening', 'initializing', 'absent']);
    expect(modem.snapshot().lastError).toBe('No answer to AT');
    await vi.advanceTimersByTimeAsync(2000);
    expect(opened).toBe(2);
    expect(states.slice(3)).toEqual(['opening', 'initializing']);
    await modem.close();
  });

  it('retries opening a missing port every reconnect delay', async () => {
    let attempts = 0;
    const { modem, states } = createModem(async () => {
      attempts++;
      throw new Error('ENOENT /dev/ttyUSB2');
    });
    modem.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(states).toEqual(['opening', 'absent']);
    await vi.advanceTimersByTimeAsync(6000);
    expect(attempts).toBe(4);
    expect(modem.snapshot()).toMatchObject({ state: 'absent', lastError: 'ENOENT /dev/ttyUSB2', reconnects: 3 });
    await modem.close();
  });

  it('reopens a port that goes silent without closing (two health checks time out)', async () => {
    const sim = new InProcessSimulator();
    let opened = 0;
    const { modem, states } = createModem(async () => (opened++, sim.openTransport()));
    modem.start();
    await vi.advanceTimersByTimeAsync(100);
    expect(modem.state).toBe('ready');
    sim.emulator.scenario.stallOn = /^AT\+CSQ$/;
    await vi.advanceTimersByTimeAsync(30_000 + 1000);
    expect(modem.state).toBe('ready'); // one silent check is tolerated
    sim.emulator.scenario.stallOn = /^AT\+CSQ$/;
    await vi.advanceTimersByTimeAsync(30_000 + 1000);
    expect(states).toContain('absent');
    sim.emulator.scenario.stallOn = null;
    await vi.advanceTimersByTimeAsync(2000 + 200);
    expect(modem.state).toBe('ready');
    expect(opened).toBe(2);
    await modem.close();
    sim.dispose();
  });

  it('AT+CRESET: resetting until RDY, then initializes again', async () => {
    const sim = new InProcessSimulator({ resetDelayMs: 8000 });
    const { modem, states } = createModem(async () => sim.openTransport());
    modem.start();
    await vi.advanceTimersByTimeAsync(100);
    const reset = modem.reset();
    await vi.advanceTimersByTimeAsync(7000);
    expect(modem.state).toBe('resetting');
    await expect(modem.send('AT')).rejects.toMatchObject({ code: 'GSM_UNAVAILABLE' });
    await vi.advanceTimersByTimeAsync(1100);
    await reset;
    expect(states.slice(-3)).toEqual(['resetting', 'initializing', 'ready']);
    expect(modem.snapshot().resets).toBe(1);
    await modem.close();
    sim.dispose();
  });
});
