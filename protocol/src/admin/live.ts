import { Type, type Static } from 'typebox';
import { StrictObject } from '../common.js';

/** What `GET /api/events` pushes (SSE event `status`): the dashboard's live state and today's counters. */
export const LiveComponent = StrictObject({
  name: Type.String(),
  ok: Type.Boolean(),
  /** Working without something (no LLM reachable: calls are answered in degraded mode). */
  degraded: Type.Optional(Type.Boolean()),
  detail: Type.Optional(Type.String()),
});
export const LiveProvider = StrictObject({
  id: Type.String(),
  name: Type.String(),
  enabled: Type.Boolean(),
  health: Type.Union([Type.Literal('closed'), Type.Literal('open'), Type.Literal('half-open')]),
  /** Seconds until an open breaker lets a probe through (0 when not cooling down). */
  cooldownLeftS: Type.Integer(),
  inFlight: Type.Integer(),
  /** Whether its `/models` answered at the last probe (null: not probed yet, or disabled). */
  reachable: Type.Union([Type.Boolean(), Type.Null()]),
  /** Why the last probe failed. */
  lastError: Type.Union([Type.String(), Type.Null()]),
  checkedAt: Type.Union([Type.String(), Type.Null()]),
});
export const LiveWorker = StrictObject({
  id: Type.String(),
  name: Type.String(),
  state: Type.String(),
  activeJobs: Type.Integer(),
});
export const LiveModem = StrictObject({
  state: Type.String(),
  simulated: Type.Boolean(),
  operator: Type.Union([Type.String(), Type.Null()]),
  signalDbm: Type.Union([Type.Number(), Type.Null()]),
});
export const LiveToday = StrictObject({
  /** Start of the counted day (UTC midnight). */
  since: Type.String(),
  calls: Type.Integer(),
  sms: Type.Integer(),
  /** Chat replies (LLM answers and instant FAQ answers) over every channel. */
  chats: Type.Integer(),
  tokens: Type.Integer(),
});
export const LiveStatus = StrictObject({
  at: Type.String(),
  ready: Type.Boolean(),
  components: Type.Array(LiveComponent),
  /** null when GSM is turned off. */
  modem: Type.Union([LiveModem, Type.Null()]),
  /** Admins only (empty for other roles). */
  providers: Type.Array(LiveProvider),
  /** Admins only (empty for other roles). */
  workers: Type.Array(LiveWorker),
  today: LiveToday,
});
export type LiveComponent = Static<typeof LiveComponent>;
export type LiveProvider = Static<typeof LiveProvider>;
export type LiveWorker = Static<typeof LiveWorker>;
export type LiveModem = Static<typeof LiveModem>;
export type LiveToday = Static<typeof LiveToday>;
export type LiveStatus = Static<typeof LiveStatus>;
