import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { GsmUnavailableError } from '../../errors.js';
import { AtDriver, commandName, parseArgs, type AtResponse, type SendOptions } from './at-driver.js';
import type { Urc } from './at-lines.js';
import type { AtTransport } from './types.js';

export type ModemState = 'absent' | 'opening' | 'initializing' | 'ready' | 'in_call' | 'resetting' | 'closed';

export type Registration = 'home' | 'roaming' | 'searching' | 'denied' | 'unregistered' | 'unknown';

export interface ModemStatus {
  state: ModemState;
  simulated: boolean;
  port: string | null;
  model: string | null;
  operator: string | null;
  ownNumber: string | null;
  simReady: boolean;
  registration: Registration;
  /** +CSQ rssi 0..31 (99 unknown) and its dBm. */
  signal: { rssi: number; dbm: number | null } | null;
  audioHealthy: boolean;
  lastError: string | null;
  sinceMs: number;
  resets: number;
  reconnects: number;
}

export interface ModemOptions {
  openTransport(): Promise<AtTransport>;
  portName: string | null;
  simulated: boolean;
  pcmRateHz: 8000 | 16000;
  logger: Logger;
  commandTimeoutMs?: number;
  reconnectDelayMs?: number;
  healthIntervalMs?: number;
  /** How long to wait for the module to come back after AT+CRESET. */
  resetTimeoutMs?: number;
  clock?: () => number;
}

export interface ModemEvents {
  stateChange: [from: ModemState, to: ModemState];
  urc: [urc: Urc];
  ready: [];
}

const REG: Record<string, Registration> = {
  '0': 'unregistered',
  '1': 'home',
  '2': 'searching',
  '3': 'denied',
  '5': 'roaming',
  '6': 'home',
  '7': 'roaming',
};

/**
 * The SIM7600 as a state machine: absent → opening → initializing → ready ⇄ in_call, resetting → initializing.
 * The port disappearing at any point leads back to absent and a reconnect loop.
 */
export class Modem extends EventEmitter<ModemEvents> {
  private driver: AtDriver | null = null;
  private healthTimer: ReturnType<typeof setInterval> | null = null;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private resetWaiter: (() => void) | null = null;
  private silentHealthChecks = 0;
  private readonly status: ModemStatus;
  private readonly clock: () => number;

  constructor(private readonly options: ModemOptions) {
    super();
    this.clock = options.clock ?? Date.now;
    this.status = {
      state: 'absent',
      simulated: options.simulated,
      port: options.portName,
      model: null,
      operator: null,
      ownNumber: null,
      simReady: false,
      registration: 'unknown',
      signal: null,
      audioHealthy: true,
      lastError: null,
      sinceMs: this.clock(),
      resets: 0,
      reconnects: 0,
    };
  }

  get state(): ModemState {
    return this.status.state;
  }

  snapshot(): ModemStatus {
    return { ...this.status, signal: this.status.signal ? { ...this.status.signal } : null };
  }

  /** Opens the port and initializes; failures lead to absent and a retry, never a throw. */
  start(): void {
    void this.connect();
  }

  /** Sends one command; only while the modem is usable. */
  async send(command: string, options?: SendOptions): Promise<AtResponse> {
    const driver = this.driver;
    if (!driver || !this.isUsable()) throw new GsmUnavailableError(`Modem is ${this.status.state}`);
    return driver.send(command, options);
  }

  isUsable(): boolean {
    return this.status.state === 'ready' || this.status.state === 'in_call';
  }

  /** Marks the modem busy with a call (or done with it). */
  setInCall(inCall: boolean): void {
    if (inCall && this.status.state === 'ready') this.setState('in_call');
    else if (!inCall && this.status.state === 'in_call') this.setState('ready');
  }

  markAudioUnhealthy(reason: string): void {
    this.status.audioHealthy = false;
    this.status.lastError = reason;
    this.options.logger.warn({ reason }, 'gsm audio unhealthy');
  }

  /** AT+CRESET, wait for the module to come back (RDY or a re-enumerated port), then initialize again. */
  async reset(): Promise<void> {
    const driver = this.driver;
    if (!driver || this.status.state === 'resetting') return;
    this.setState('resetting');
    this.status.resets++;
    const back = new Promise<void>((resolve) => {
      this.resetWaiter = resolve;
      setTimeout(resolve, this.options.resetTimeoutMs ?? 30_000);
    });
    await driver.send('AT+CRESET').catch(() => undefined);
    await back;
    this.resetWaiter = null;
    if (this.driver !== driver || this.currentState() !== 'resetting') return; // the port went away: reconnect handles it
    await this.initialize(driver);
  }

  async close(): Promise<void> {
    this.setState('closed');
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const driver = this.driver;
    this.driver = null;
    await driver?.close().catch(() => undefined);
  }

  /** Re-reads the state after an await (TypeScript narrows it otherwise). */
  private currentState(): ModemState {
    return this.status.state;
  }

  private setState(next: ModemState): void {
    const prev = this.status.state;
    if (prev === next || prev === 'closed') return;
    this.status.state = next;
    this.status.sinceMs = this.clock();
    const usable = (state: ModemState) => state === 'ready' || state === 'in_call';
    if (usable(prev) && !usable(next)) this.stopHealth();
    if (!usable(prev) && usable(next)) this.startHealth();
    this.options.logger.info({ from: prev, to: next }, 'gsm modem state');
    this.emit('stateChange', prev, next);
    if (next === 'ready' && prev !== 'in_call') this.emit('ready');
  }

  private async connect(): Promise<void> {
    if (this.status.state === 'closed') return;
    this.setState('opening');
    let transport: AtTransport;
    try {
      transport = await this.options.openTransport();
    } catch (error) {
      this.status.lastError = error instanceof Error ? error.message : 'open failed';
      return this.scheduleReconnect();
    }
    if (this.currentState() === 'closed') return void transport.close().catch(() => undefined);
    const driver = new AtDriver(transport, this.options.commandTimeoutMs ?? 5000);
    this.driver = driver;
    driver.on('urc', (urc) => this.onUrc(urc));
    driver.on('closed', () => this.onPortClosed(driver));
    await this.initialize(driver);
  }

  private scheduleReconnect(): void {
    if (this.status.state === 'closed') return;
    this.setState('absent');
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.status.reconnects++;
      void this.connect();
    }, this.options.reconnectDelayMs ?? 2000);
  }

  private onPortClosed(driver: AtDriver): void {
    if (this.driver !== driver) return;
    this.driver = null;
    if (this.status.state !== 'initializing') this.status.lastError = 'port closed';
    this.options.logger.warn('gsm port closed');
    this.resetWaiter?.();
    this.scheduleReconnect();
  }

  private async initialize(driver: AtDriver): Promise<void> {
    this.setState('initializing');
    try {
      await this.runInitSequence(driver);
      await this.checkHealth(driver);
      this.status.audioHealthy = true;
      this.setState('ready');
    } catch (error) {
      if (this.driver !== driver) return;
      this.status.lastError = error instanceof Error ? error.message : 'init failed';
      this.options.logger.warn({ err: this.status.lastError }, 'gsm init failed');
      await driver.close().catch(() => undefined);
    }
  }

  private async runInitSequence(driver: AtDriver): Promise<void> {
    await this.retryAt(driver);
    const steps = [
      'ATE0',
      'AT+CMEE=1',
      'AT+CMGF=0',
      'AT+CPMS="SM","SM","SM"',
      'AT+CNMI=2,1,0,1,0',
      'AT+CLIP=1',
      'AT+CLCC=1',
      'AT+DDET=1',
      `AT+CPCMFRM=${this.options.pcmRateHz === 16000 ? 1 : 0}`,
    ];
    for (const step of steps) await driver.send(step);
    const pin = await driver.send('AT+CPIN?');
    this.status.simReady = pin.lines.some((l) => l.includes('READY'));
    if (!this.status.simReady) throw new GsmUnavailableError('SIM not ready');
    const info = await driver.send('ATI').catch(() => ({ lines: [] }));
    this.status.model =
      info.lines
        .find((l) => l.startsWith('Model:'))
        ?.slice(6)
        .trim() ??
      info.lines[0] ??
      null;
    const cnum = await driver.send('AT+CNUM').catch(() => ({ lines: [] }));
    this.status.ownNumber = cnum.lines[0] ? (parseArgs(cnum.lines[0])[1] ?? null) || null : null;
  }

  /** The module may still be booting: a few plain ATs before giving up. */
  private async retryAt(driver: AtDriver): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await driver.send('AT', { timeoutMs: 1000 });
        return;
      } catch (error) {
        if (attempt >= 4 || driver.isClosed) throw error;
      }
    }
  }

  private startHealth(): void {
    this.stopHealth();
    this.healthTimer = setInterval(() => {
      const driver = this.driver;
      if (!driver) return;
      this.checkHealth(driver).then(
        () => (this.silentHealthChecks = 0),
        (e: unknown) => this.onHealthFailure(e),
      );
    }, this.options.healthIntervalMs ?? 30_000);
  }

  private stopHealth(): void {
    if (this.healthTimer) clearInterval(this.healthTimer);
    this.healthTimer = null;
  }

  private onHealthFailure(error: unknown): void {
    this.status.lastError = error instanceof Error ? error.message : 'health check failed';
    // A port that stopped answering without closing: two silent health checks in a row → reopen it.
    const timedOut = error instanceof GsmUnavailableError && error.code === 'GSM_AT_TIMEOUT';
    this.silentHealthChecks = timedOut ? this.silentHealthChecks + 1 : 0;
    if (this.silentHealthChecks >= 2) {
      this.silentHealthChecks = 0;
      void this.driver?.close().catch(() => undefined);
    }
  }

  private async checkHealth(driver: AtDriver): Promise<void> {
    const csq = await driver.send('AT+CSQ');
    const rssi = Number(parseArgs(csq.lines[0] ?? '')[0]);
    this.status.signal = Number.isFinite(rssi) ? { rssi, dbm: rssi >= 0 && rssi <= 31 ? -113 + 2 * rssi : null } : null;
    this.status.registration = await this.registration(driver);
    const cops = await driver.send('AT+COPS?').catch(() => ({ lines: [] }));
    this.status.operator = parseArgs(cops.lines[0] ?? '')[2] || null;
  }

  private async registration(driver: AtDriver): Promise<Registration> {
    const results: Registration[] = [];
    for (const command of ['AT+CREG?', 'AT+CEREG?']) {
      const response = await driver.send(command).catch(() => ({ lines: [] }));
      results.push(REG[parseArgs(response.lines[0] ?? '')[1] ?? ''] ?? 'unknown');
    }
    return results.find((r) => r === 'home' || r === 'roaming') ?? results[0] ?? 'unknown';
  }

  private onUrc(urc: Urc): void {
    if (urc.name === 'RDY' || (urc.name === '+CPIN' && this.status.state === 'resetting')) this.resetWaiter?.();
    if (urc.name === '+CREG' || urc.name === '+CEREG') {
      this.status.registration = REG[parseArgs(urc.args)[0] ?? ''] ?? this.status.registration;
    }
    this.emit('urc', urc);
  }
}

export { commandName };
