import { Type, type Static } from 'typebox';
import { StrictObject } from '../common.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });
const PhoneNumber = Type.String({ pattern: '^\\+?[0-9]{3,20}$', description: 'Digits with an optional leading +' });

export const GsmStatusView = StrictObject({
  state: Type.Union([
    Type.Literal('absent'),
    Type.Literal('opening'),
    Type.Literal('initializing'),
    Type.Literal('ready'),
    Type.Literal('in_call'),
    Type.Literal('resetting'),
    Type.Literal('closed'),
  ]),
  simulated: Type.Boolean({ description: 'True when the built-in simulated modem is used (no hardware)' }),
  mode: Type.Union([Type.Literal('hardware'), Type.Literal('simulated')]),
  port: Nullable(Type.String()),
  model: Nullable(Type.String()),
  operator: Nullable(Type.String()),
  ownNumber: Nullable(Type.String()),
  simReady: Type.Boolean(),
  registration: Type.String(),
  signal: Nullable(StrictObject({ rssi: Type.Integer(), dbm: Nullable(Type.Integer()) })),
  audioHealthy: Type.Boolean(),
  lastError: Nullable(Type.String()),
  since: DateTime,
  resets: Type.Integer(),
  reconnects: Type.Integer(),
  activeCallId: Nullable(Type.String()),
});
export type GsmStatusView = Static<typeof GsmStatusView>;

export const GsmCallView = StrictObject({
  id: Type.String(),
  direction: Type.Union([Type.Literal('incoming'), Type.Literal('outgoing')]),
  number: Nullable(Type.String()),
  status: Type.String(),
  task: Nullable(Type.String()),
  startedAt: DateTime,
  answeredAt: Nullable(DateTime),
  endedAt: Nullable(DateTime),
  endReason: Nullable(Type.String()),
  dtmf: Type.String(),
  transcript: Type.Array(StrictObject({ role: Type.String(), text: Type.String(), atMs: Type.Number() })),
  metrics: Type.Record(Type.String(), Type.Number()),
  recordings: StrictObject({ caller: Nullable(Type.String()), secretary: Nullable(Type.String()) }),
});
export type GsmCallView = Static<typeof GsmCallView>;

export const GsmSmsView = StrictObject({
  id: Type.String(),
  direction: Type.Union([Type.Literal('in'), Type.Literal('out')]),
  number: Type.String(),
  text: Type.String(),
  status: Type.String(),
  parts: Type.Integer(),
  error: Nullable(Type.String()),
  createdAt: DateTime,
  sentAt: Nullable(DateTime),
  deliveredAt: Nullable(DateTime),
  /** Received: the auto-reply outcome (`sent`, `limit_sender`, …); sent: `reply` for an auto-reply. */
  autoReply: Type.Optional(Nullable(Type.String())),
});
export type GsmSmsView = Static<typeof GsmSmsView>;

export const GsmDialRequest = StrictObject({
  number: PhoneNumber,
  task: Type.Optional(
    Type.String({ minLength: 1, maxLength: 4000, description: 'What the secretary should do on the call' }),
  ),
});
export type GsmDialRequest = Static<typeof GsmDialRequest>;

export const GsmDtmfRequest = StrictObject({ digits: Type.String({ pattern: '^[0-9*#A-D]{1,32}$' }) });
export type GsmDtmfRequest = Static<typeof GsmDtmfRequest>;

export const GsmSendSmsRequest = StrictObject({
  to: PhoneNumber,
  text: Type.String({ minLength: 1, maxLength: 1530 }),
});
export type GsmSendSmsRequest = Static<typeof GsmSendSmsRequest>;

export const GsmAtRequest = StrictObject({
  command: Type.String({ pattern: '^AT[\\x20-\\x7e]{0,200}$', description: 'One AT command line, printable ASCII' }),
  timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 60000 })),
});
export type GsmAtRequest = Static<typeof GsmAtRequest>;

export const GsmAtResponse = StrictObject({
  ok: Type.Boolean(),
  lines: Type.Array(Type.String()),
  error: Nullable(Type.String()),
});
export type GsmAtResponse = Static<typeof GsmAtResponse>;

export const GsmSimulateCallRequest = StrictObject({ number: PhoneNumber });
export const GsmSimulateSmsRequest = StrictObject({
  from: PhoneNumber,
  text: Type.String({ minLength: 1, maxLength: 1530 }),
});
