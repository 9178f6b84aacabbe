import { EventEmitter } from 'node:events';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InProcessSimulator } from '../../channels/gsm/simulator/in-process.js';
import { StateTimeoutError, StateWaitAbortedError } from '../../errors.js';
import { Modem } from '../gsm/modem.js';
import { entersState } from './enters-state.js';

type Light = 'red' | 'amber' | 'green';

/** `status` + `stateChange(from, to)`, like the process supervisor's children. */
class Flat extends EventEmitter<{ stateChange: [from: Light, to: Light] }> {
  status: Light = 'red';
  set(next: Light): void {
    const from = this.status;
    this.status = next;
    this.emit('stateChange', from, next);
  }
}

/** `state.status` + `stateChange(oldState, newState)`, like discord.js voice connections. */
class Nested extends EventEmitter<{ stateChange: [from: { status: Light }, to: { status: Light }] }> {
  state: { status: Light } = { status: 'red' };
  set(status: Light): void {
    const from = this.state;
    this.state = { status };
    this.emit('stateChange', from, this.state);
  }
}

describe('entersState', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves at once when the target is already there', async () => {
    await expect(entersState(new Flat(), 'red', 10)).resolves.toBeUndefined();
  });

  it('resolves on the transition to the status and removes its listener', async () => {
    const light = new Flat();
    const green = entersState(light, 'green', 1000);
    light.set('amber');
    light.set('green');
    await expect(green).resolves.toBeUndefined();
    expect(light.listenerCount('stateChange')).toBe(0);
  });

  it('reads state.status (discord.js shape)', async () => {
    const light = new Nested();
    const green = entersState(light, 'green', 1000);
    light.set('green');
    await expect(green).resolves.toBeUndefined();
  });

  it('rejects with StateTimeoutError naming the awaited and the current status', async () => {
    const light = new Flat();
    const green = entersState(light, 'green', 500);
    light.set('amber');
    const failed = expect(green).rejects.toSatisfy(
      (e) => e instanceof StateTimeoutError && e.awaited === 'green' && e.current === 'amber',
    );
    await vi.advanceTimersByTimeAsync(500);
    await failed;
    expect(light.listenerCount('stateChange')).toBe(0);
  });

  it('rejects with StateWaitAbortedError when the signal aborts, at once if it already has', async () => {
    const light = new Flat();
    const controller = new AbortController();
    const green = entersState(light, 'green', controller.signal);
    controller.abort(new Error('call ended'));
    await expect(green).rejects.toBeInstanceOf(StateWaitAbortedError);
    expect(light.listenerCount('stateChange')).toBe(0);
    await expect(entersState(light, 'green', controller.signal)).rejects.toBeInstanceOf(StateWaitAbortedError);
  });

  it('treats an AbortSignal.timeout() reason as a timeout', async () => {
    const controller = new AbortController();
    const green = entersState(new Flat(), 'green', controller.signal);
    controller.abort(new DOMException('timed out', 'TimeoutError'));
    await expect(green).rejects.toBeInstanceOf(StateTimeoutError);
  });

  it('waits for the modem (its `state` string) against the simulator', async () => {
    const sim = new InProcessSimulator();
    const modem = new Modem({
      openTransport: async () => sim.openTransport(),
      portName: null,
      simulated: true,
      pcmRateHz: 8000,
      logger: pino({ level: 'silent' }),
    });
    const ready = entersState(modem, 'ready', 5000);
    modem.start();
    await vi.advanceTimersByTimeAsync(100);
    await expect(ready).resolves.toBeUndefined();
    await modem.close();
    sim.dispose();
  });
});
