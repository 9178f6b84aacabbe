import { Type, type Static } from 'typebox';
import { StrictObject } from '../common.js';
import { ChildKind } from '../workers/kinds.js';

/** Admin REST bodies for `/api/processes`: the supervised child processes. */

export const ChildStatus = Type.Union([
  Type.Literal('stopped'),
  Type.Literal('starting'),
  Type.Literal('ready'),
  Type.Literal('backoff'),
  Type.Literal('stopping'),
  /** Crash-looped: given up on until an admin restarts it. */
  Type.Literal('failed'),
]);
export type ChildStatus = Static<typeof ChildStatus>;

export const ChildExitView = StrictObject({
  code: Type.Union([Type.Integer(), Type.Null()]),
  signal: Type.Union([Type.String(), Type.Null()]),
  /** `exited`, `stopped`, or why the supervisor killed it (`memory limit exceeded (… MB)`, `missed heartbeats`…). */
  reason: Type.String(),
  at: Type.String({ format: 'date-time' }),
});
export type ChildExitView = Static<typeof ChildExitView>;

export const ProcessInfo = StrictObject({
  id: Type.String(),
  kind: ChildKind,
  name: Type.String(),
  status: ChildStatus,
  pid: Type.Union([Type.Integer(), Type.Null()]),
  restarts: Type.Integer(),
  startedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  rssBytes: Type.Union([Type.Integer(), Type.Null()]),
  lastHeartbeatAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastExit: Type.Union([ChildExitView, Type.Null()]),
  /** Why it is `failed`: a crash loop, or what the child reported (a revoked bot token). */
  failureReason: Type.Union([Type.String(), Type.Null()]),
  crashLoop: StrictObject({
    /** Crashes inside the window; at `limit` the child is given up on. */
    recentCrashes: Type.Integer(),
    limit: Type.Integer(),
    windowS: Type.Integer(),
    failed: Type.Boolean(),
    failedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  }),
});
export type ProcessInfo = Static<typeof ProcessInfo>;

export const ProcessList = StrictObject({ processes: Type.Array(ProcessInfo) });
export type ProcessList = Static<typeof ProcessList>;

export const ProcessLogLine = StrictObject({
  at: Type.String({ format: 'date-time' }),
  stream: Type.Union([Type.Literal('stdout'), Type.Literal('stderr'), Type.Literal('supervisor')]),
  pid: Type.Union([Type.Integer(), Type.Null()]),
  /** Credentials, tokens and phone numbers are redacted before a line is kept. */
  line: Type.String(),
});
export type ProcessLogLine = Static<typeof ProcessLogLine>;

export const ProcessLogs = StrictObject({ id: Type.String(), lines: Type.Array(ProcessLogLine) });
export type ProcessLogs = Static<typeof ProcessLogs>;
