import fs from 'node:fs';
import path from 'node:path';
import { decodeWav } from '@ai-secretary/protocol';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../../config.js';
import { CallManager } from '../../core/gsm/call-manager.js';
import { createCallPolicy, type ScheduleSource } from '../../core/gsm/call-policy.js';
import { scheduleFromSpec } from '../../core/settings/business-hours.js';
import { createGreetingHandler } from '../../core/gsm/greeting-handler.js';
import type { GsmService } from '../../core/gsm/gsm-service.js';
import { Modem } from '../../core/gsm/modem.js';
import { encodeDeliver, planSms } from '../../core/gsm/pdu.js';
import { SmsAutoReplier, type SmsAutoReplyLimits, type SmsReplyGenerator } from '../../core/gsm/sms-auto-reply.js';
import { SmsService } from '../../core/gsm/sms-service.js';
import type { GsmCallStore, GsmSmsStore } from '../../core/gsm/store-types.js';
import type { AtTransport, CallAudioHandler, PcmAudioPort } from '../../core/gsm/types.js';
import { GsmUnavailableError, NotFoundError } from '../../errors.js';
import type { ComponentCheck } from '../../routes/system/index.js';
import { installAutoReplyMetrics, installGsmMetrics } from './metrics.js';
import { openSerialAtTransport, openSerialAudioPort } from './serial-transport.js';
import { InProcessSimulator } from './simulator/in-process.js';

export interface GsmChannelDeps {
  config: Config;
  logger: Logger;
  stores: { gsmCalls: GsmCallStore; gsmSms: GsmSmsStore };
  metrics: Registry;
  /** Who talks on calls; the built-in greeting handler when absent (the voice engine plugs in here). */
  handler?: CallAudioHandler;
  /** LLM replies to received SMS, within limits (off when absent). */
  autoReply?: { generate: SmsReplyGenerator; limits: SmsAutoReplyLimits };
  /** Observes every downlink frame (benchmarks). */
  onFrame?(atMs: number, silent: boolean): void;
  /** Opening hours from settings (saved, or the environment's); GSM_BUSINESS_HOURS when absent. */
  schedule?: ScheduleSource;
}

export interface GsmChannel {
  service: GsmService;
  modem: Modem;
  calls: CallManager;
  sms: SmsService;
  /** Present when auto-reply is on. */
  autoReplier: SmsAutoReplier | null;
  readiness: ComponentCheck;
  /** The built-in simulated modem, when running without hardware. */
  simulator: InProcessSimulator | null;
  close(): Promise<void>;
}

interface Ports {
  simulator: InProcessSimulator | null;
  openTransport(): Promise<AtTransport>;
  openAudioPort(sampleRateHz: number): Promise<PcmAudioPort>;
}

/** Real serial ports, or the simulated modem when none is configured (or it fails at start and fallback is on). */
async function choosePorts(config: Config, logger: Logger): Promise<Ports> {
  const { atPort, audioPort, baudRate, mockFallback } = config.gsm;
  const real: Ports = {
    simulator: null,
    openTransport: () => openSerialAtTransport(atPort as string, baudRate),
    openAudioPort: (rate) => {
      if (!audioPort) return Promise.reject(new GsmUnavailableError('GSM_AUDIO_PORT is not set'));
      return openSerialAudioPort(audioPort, baudRate, rate);
    },
  };
  if (atPort !== undefined) {
    try {
      await (await real.openTransport()).close();
      return real;
    } catch (error) {
      if (!mockFallback) return real; // keep retrying the real port
      logger.warn({ err: error }, 'gsm port failed at start; using the simulated modem');
    }
  }
  const simulator = new InProcessSimulator({ ringIntervalMs: 3000 });
  return {
    simulator,
    openTransport: async () => simulator.openTransport(),
    openAudioPort: async (rate) => simulator.openAudioPort(rate),
  };
}

function envSchedule(gsm: Config['gsm']): ScheduleSource {
  const schedule = scheduleFromSpec(gsm.businessHours, gsm.timeZone);
  return () => schedule;
}

/** The built-in greeting handler (GSM_GREETING_WAV or a chime); the fallback when the voice engine cannot talk. */
export function loadGreetingHandler(config: Config): CallAudioHandler {
  const { greetingWav, maxCallS } = config.gsm;
  const greeting = greetingWav ? decodeWav(fs.readFileSync(greetingWav)) : undefined;
  // Wideband like the voice engine, so an 8 kHz modem exercises resampling both ways.
  return createGreetingHandler({ greeting, sampleRateHz: 16000, maxCallMs: maxCallS * 1000 });
}

/** The GSM channel: modem, calls, SMS, metrics and the service the admin API uses. */
export async function createGsmChannel(deps: GsmChannelDeps): Promise<GsmChannel> {
  const { config, logger: parent } = deps;
  const logger = parent.child({ channel: 'gsm' });
  const gsm = config.gsm;
  const ports = await choosePorts(config, logger);
  const modem = new Modem({
    openTransport: () => ports.openTransport(),
    portName: ports.simulator ? null : (gsm.atPort ?? null),
    simulated: ports.simulator !== null,
    pcmRateHz: gsm.pcmRateHz,
    logger,
    commandTimeoutMs: gsm.commandTimeoutMs,
    reconnectDelayMs: gsm.reconnectDelayMs,
    healthIntervalMs: gsm.healthIntervalS * 1000,
  });
  const sms = new SmsService({ modem, store: deps.stores.gsmSms, logger });
  const autoReplier = deps.autoReply ? createAutoReplier(deps.autoReply, sms, deps.stores.gsmSms, logger) : null;
  let observeFrame: ((atMs: number) => void) | null = null;
  const calls = new CallManager({
    modem,
    store: deps.stores.gsmCalls,
    handler: deps.handler ?? loadGreetingHandler(config),
    openAudioPort: (rate) => ports.openAudioPort(rate),
    pcmRateHz: gsm.pcmRateHz,
    answerAfterRings: gsm.answerAfterRings,
    policy: createCallPolicy(gsm, deps.schedule ?? envSchedule(gsm)),
    dataDir: config.dataDir,
    logger,
    onFrame: (atMs, silent) => {
      observeFrame?.(atMs);
      deps.onFrame?.(atMs, silent);
    },
  });
  observeFrame = installGsmMetrics(deps.metrics, modem, calls, sms);
  if (autoReplier) installAutoReplyMetrics(deps.metrics, autoReplier);
  await calls.recoverInterrupted();
  modem.start();
  const service = createService(config, modem, calls, sms, deps.stores, ports.simulator);
  return {
    service,
    modem,
    calls,
    sms,
    autoReplier,
    simulator: ports.simulator,
    readiness: {
      name: 'gsm',
      check: async () => {
        const status = modem.snapshot();
        // Re-opening a port that went missing is not ready (only the very first open at start is).
        const reconnecting = status.state === 'opening' && status.reconnects > 0;
        return {
          ok: status.state !== 'absent' && status.state !== 'closed' && !reconnecting,
          detail: `${status.state}${status.simulated ? ' (simulated)' : ''}`,
        };
      },
    },
    async close() {
      const active = calls.current;
      if (active) await calls.hangup(active.id).catch(() => undefined);
      await modem.close();
      ports.simulator?.dispose();
    },
  };
}

/** Replies to each received SMS (already committed) through the generator, within the limits. */
function createAutoReplier(
  autoReply: NonNullable<GsmChannelDeps['autoReply']>,
  sms: SmsService,
  store: GsmSmsStore,
  logger: Logger,
): SmsAutoReplier {
  const replier = new SmsAutoReplier({
    store,
    generate: autoReply.generate,
    send: (to, text) => sms.send(to, text, { autoReply: true }),
    limits: autoReply.limits,
    logger,
  });
  sms.on('received', (message) => void replier.handle(message));
  return replier;
}

function createService(
  config: Config,
  modem: Modem,
  calls: CallManager,
  sms: SmsService,
  stores: GsmChannelDeps['stores'],
  simulator: InProcessSimulator | null,
): GsmService {
  const getCall = async (id: string) => {
    // The live call's transcript and metrics grow in memory; the row is written when it ends.
    const live = calls.current;
    if (live?.id === id) return live;
    const record = await stores.gsmCalls.get(id);
    if (!record) throw new NotFoundError('Call');
    return record;
  };
  return {
    status: () => ({ ...modem.snapshot(), activeCallId: calls.current?.id ?? null }),
    listCalls: (query) => stores.gsmCalls.list(query),
    getCall,
    async recordingPath(id, side) {
      const record = await getCall(id);
      const relative = side === 'caller' ? record.recordingCaller : record.recordingSecretary;
      if (!relative) return null;
      const absolute = path.join(config.dataDir, relative);
      return fs.existsSync(absolute) ? absolute : null;
    },
    dial: (number, task) => calls.dial(number, task),
    answer: (id) => calls.answer(id),
    hangup: (id) => calls.hangup(id),
    sendDtmf: (id, digits) => calls.sendDtmf(id, digits),
    listSms: (query) => stores.gsmSms.listMessages(query),
    sendSms: (to, text) => sms.send(to, text),
    async runAt(command, timeoutMs) {
      try {
        const response = await modem.send(command, { timeoutMs });
        return { ok: true, lines: response.lines, error: null };
      } catch (error) {
        if (error instanceof GsmUnavailableError && error.code === 'GSM_UNAVAILABLE') throw error;
        return { ok: false, lines: [], error: error instanceof Error ? error.message : 'failed' };
      }
    },
    simulator: simulator && {
      incomingCall: (number) => simulator.emulator.incomingCall(number),
      hangup: () => simulator.emulator.remoteHangup(),
      incomingSms(from, text) {
        const plan = planSms(text);
        const reference = Math.floor(Math.random() * 256);
        plan.parts.forEach((part, i) => {
          const concat = plan.parts.length > 1 ? { reference, total: plan.parts.length, sequence: i + 1 } : null;
          simulator.emulator.deliverSms(
            encodeDeliver({ from, text: part, encoding: plan.encoding, concat, sentAtMs: Date.now() }),
          );
        });
      },
    },
  };
}
