import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SerialPort } from 'serialport';
import { SimulatedAudioLine } from './audio-line.js';
import { Sim7600Emulator, type EmulatorScenario } from './sim7600-emulator.js';

interface PtyPair {
  socat: ChildProcess;
  port: SerialPort;
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Starts `socat` with two linked PTYs and opens the simulator's end. */
async function openPair(hostLink: string, simLink: string): Promise<PtyPair> {
  for (const link of [hostLink, simLink]) fs.rmSync(link, { force: true });
  const socat = spawn('socat', [`pty,raw,echo=0,link=${hostLink}`, `pty,raw,echo=0,link=${simLink}`], {
    stdio: 'ignore',
  });
  await waitFor(() => fs.existsSync(hostLink) && fs.existsSync(simLink), 5000, 'socat PTYs');
  const port = await new Promise<SerialPort>((resolve, reject) => {
    const p = new SerialPort({ path: simLink, baudRate: 115200, autoOpen: false });
    p.open((error) => (error ? reject(error) : resolve(p)));
  });
  return { socat, port };
}

async function closePair(pair: PtyPair): Promise<void> {
  if (pair.port.isOpen) await new Promise<void>((resolve) => pair.port.drain(() => resolve()));
  await new Promise<void>((resolve) => (pair.port.isOpen ? pair.port.close(() => resolve()) : resolve()));
  if (pair.socat.exitCode !== null) return;
  const exited = new Promise((resolve) => pair.socat.once('exit', resolve));
  pair.socat.kill('SIGTERM');
  await exited;
}

/** PTY scenario defaults: like real hardware, AT+CRESET drops the USB ports for a second. */
const PTY_DEFAULTS: Partial<EmulatorScenario> = { resetDropsPortsMs: 1000 };

/**
 * A SIM7600 on real pseudo-terminals: the AT port and the PCM audio port are each a socat PTY pair, so the
 * product's serialport driver opens real ttys (`atPath`, `audioPath`). Scenario knobs live on `emulator.scenario`.
 * AT+CRESET removes both links and recreates them at the same paths after `resetDropsPortsMs`.
 */
export class PtySimulator {
  readonly emulator: Sim7600Emulator;
  readonly audio = new SimulatedAudioLine();
  readonly atPath: string;
  readonly audioPath: string;
  /** `unplugged` / `plugged`, in order (USB drops on AT+CRESET included). */
  readonly portHistory: Array<'plugged' | 'unplugged'> = [];
  private at: PtyPair | null = null;
  private audioPair: PtyPair | null = null;
  private closed = false;
  private usbDrop: Promise<void> = Promise.resolve();

  private constructor(
    private readonly dir: string,
    scenario: Partial<EmulatorScenario>,
  ) {
    this.emulator = new Sim7600Emulator({ ...PTY_DEFAULTS, ...scenario });
    this.atPath = path.join(dir, 'ttyUSB2');
    this.audioPath = path.join(dir, 'ttyUSB4');
    this.emulator.on('output', (text) => this.at?.port.write(Buffer.from(text, 'latin1')));
    this.emulator.on('audio-start', (rate) => this.audio.start(rate, (bytes) => this.audioPair?.port.write(bytes)));
    this.emulator.on('audio-stop', () => this.audio.stop());
    this.emulator.on('usb-drop', (ms) => {
      this.usbDrop = this.dropUsb(ms);
    });
  }

  static async start(dir: string, scenario: Partial<EmulatorScenario> = {}): Promise<PtySimulator> {
    fs.mkdirSync(dir, { recursive: true });
    const sim = new PtySimulator(dir, scenario);
    await sim.plug();
    return sim;
  }

  /** Creates both PTY pairs (first start, or the module re-appearing on USB). */
  async plug(): Promise<void> {
    this.at = await openPair(this.atPath, path.join(this.dir, 'sim-at'));
    this.at.port.on('data', (data: Buffer) => this.emulator.receive(data.toString('latin1')));
    this.audioPair = await openPair(this.audioPath, path.join(this.dir, 'sim-audio'));
    this.audioPair.port.on('data', (data: Buffer) => this.audio.receive(data));
    this.portHistory.push('plugged');
  }

  /** The module vanishes from USB: both ttys disappear. */
  async unplug(): Promise<void> {
    this.audio.stop();
    const pairs = [this.at, this.audioPair];
    this.at = null;
    this.audioPair = null;
    for (const pair of pairs) if (pair) await closePair(pair);
    if (pairs.some(Boolean)) this.portHistory.push('unplugged');
  }

  async close(): Promise<void> {
    this.closed = true;
    this.emulator.dispose();
    await this.usbDrop;
    await this.unplug();
  }

  /** The module re-enumerating after AT+CRESET: the ttys vanish (once the OK is out) and come back. */
  private async dropUsb(ms: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 100));
    await this.unplug();
    await new Promise((resolve) => setTimeout(resolve, ms));
    if (!this.closed) await this.plug();
  }
}
