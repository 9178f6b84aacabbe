import type { ModemStatus } from './modem.js';
import type { GsmCallRecord, GsmSmsRecord } from './store-types.js';

/** What the admin API needs from the GSM channel (the channel implements it; routes see only this). */
export interface GsmService {
  status(): ModemStatus & { activeCallId: string | null };
  listCalls(query: { limit: number; offset: number }): Promise<{ items: GsmCallRecord[]; total: number }>;
  getCall(id: string): Promise<GsmCallRecord>;
  /** Absolute path of a call's recording, or null. */
  recordingPath(id: string, side: 'caller' | 'secretary'): Promise<string | null>;
  dial(number: string, task: string | null): Promise<GsmCallRecord>;
  answer(id: string): Promise<void>;
  hangup(id: string): Promise<void>;
  sendDtmf(id: string, digits: string): Promise<void>;
  listSms(query: {
    limit: number;
    offset: number;
    direction?: 'in' | 'out';
  }): Promise<{ items: GsmSmsRecord[]; total: number }>;
  sendSms(to: string, text: string): Promise<GsmSmsRecord>;
  /** Raw AT console (admins): the command's lines and final result. */
  runAt(command: string, timeoutMs: number): Promise<{ ok: boolean; lines: string[]; error: string | null }>;
  /** Only with the simulated modem: drive the far end. */
  simulator: {
    incomingCall(number: string): void;
    hangup(): void;
    incomingSms(from: string, text: string): void;
  } | null;
}
