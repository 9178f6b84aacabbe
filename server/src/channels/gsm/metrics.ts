import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { EventEmitter } from 'node:events';
import type { CallManager, CallManagerEvents } from '../../core/gsm/call-manager.js';
import type { Modem, ModemState } from '../../core/gsm/modem.js';
import type { SmsAutoReplier } from '../../core/gsm/sms-auto-reply.js';
import type { SmsService } from '../../core/gsm/sms-service.js';

const STATES: ModemState[] = ['absent', 'opening', 'initializing', 'ready', 'in_call', 'resetting', 'closed'];

/** Prometheus metrics for the modem, calls, SMS and downlink pacing. Returns the per-frame hook. */
export function installGsmMetrics(registry: Registry, modem: Modem, calls: CallManager, sms: SmsService) {
  new Gauge({
    name: 'gsm_modem_state',
    help: 'Modem state (1 for the current state)',
    labelNames: ['state', 'simulated'],
    registers: [registry],
    collect() {
      const status = modem.snapshot();
      for (const state of STATES)
        this.set({ state, simulated: String(status.simulated) }, state === status.state ? 1 : 0);
    },
  });
  new Gauge({
    name: 'gsm_signal_rssi',
    help: 'AT+CSQ rssi (0..31, 99 unknown)',
    registers: [registry],
    collect() {
      this.set(modem.snapshot().signal?.rssi ?? 99);
    },
  });
  new Gauge({
    name: 'gsm_modem_resets',
    help: 'AT+CRESET recoveries since start',
    registers: [registry],
    collect() {
      this.set(modem.snapshot().resets);
    },
  });
  const callsTotal = new Counter({
    name: 'gsm_calls_total',
    help: 'Finished calls',
    labelNames: ['direction', 'status'],
    registers: [registry],
  });
  calls.on('callEnded', (record) => callsTotal.inc({ direction: record.direction, status: record.status }));
  const smsTotal = new Counter({
    name: 'gsm_sms_received_total',
    help: 'Received SMS (assembled)',
    registers: [registry],
  });
  sms.on('received', () => smsTotal.inc());
  return observeFrameGaps(registry, calls);
}

/** From on-time pacing (20 ms) to stalls of many seconds: a caller hearing nothing shows in the top buckets. */
export const FRAME_GAP_BUCKETS_S = [
  0.015, 0.018, 0.02, 0.022, 0.025, 0.03, 0.04, 0.06, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30,
];

/**
 * `gsm_downlink_frame_gap_seconds`: the time between consecutive downlink frames of a call. Each call
 * starts afresh (the pause between two calls is no gap), so every gap within a call counts, however long.
 */
export function observeFrameGaps(registry: Registry, calls: Pick<EventEmitter<CallManagerEvents>, 'on'>) {
  const gaps = new Histogram({
    name: 'gsm_downlink_frame_gap_seconds',
    help: 'Gap between consecutive 20 ms downlink frames of a call',
    buckets: FRAME_GAP_BUCKETS_S,
    registers: [registry],
  });
  let last: number | null = null;
  calls.on('callStarted', () => (last = null));
  calls.on('callEnded', () => (last = null));
  return (atMs: number) => {
    if (last !== null) gaps.observe((atMs - last) / 1000);
    last = atMs;
  };
}

/** `gsm_sms_auto_replies_total{outcome}`: sent replies, limit hits, skipped senders and failures. */
export function installAutoReplyMetrics(registry: Registry, replier: SmsAutoReplier): void {
  const total = new Counter({
    name: 'gsm_sms_auto_replies_total',
    help: 'Auto-reply decisions on received SMS, by outcome',
    labelNames: ['outcome'],
    registers: [registry],
  });
  replier.on('outcome', (outcome) => total.inc({ outcome }));
}
