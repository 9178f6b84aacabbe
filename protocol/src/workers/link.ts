import { Type, type Static } from 'typebox';
import { StrictObject } from '../common.js';

/**
 * The link every child process (speech worker, bot) holds to the orchestrator: a WebSocket on `/ws/workers`
 * with `Authorization: Bearer <credential>`, a `hello` first, then heartbeats at the interval `welcome` names.
 * What else travels on it depends on the child's kind (`kinds.ts`).
 */

/** Fields every hello carries, whatever the kind. */
export const helloFields = {
  type: Type.Literal('hello'),
  protocolVersion: Type.Literal(1),
  /** The id its supervisor gave it (`CHILD_ID`), or its own for a child started by hand. */
  workerId: Type.String({ minLength: 1, maxLength: 128 }),
  name: Type.String({ maxLength: 128 }),
  pid: Type.Integer({ minimum: 0 }),
};

export const HeartbeatMessage = StrictObject({
  type: Type.Literal('heartbeat'),
  /** The supervisor kills a child whose RSS passes its memory limit. */
  rssBytes: Type.Integer({ minimum: 0 }),
  /** Work in flight (speech jobs, bot updates being handled). */
  activeJobs: Type.Integer({ minimum: 0 }),
});
export type HeartbeatMessage = Static<typeof HeartbeatMessage>;

/**
 * A child says why it cannot go on (a revoked bot token, a refused configuration) before it exits: the
 * supervisor then marks it `failed` with this reason instead of restarting it into the same wall.
 */
export const FatalMessage = StrictObject({
  type: Type.Literal('fatal'),
  reason: Type.String({ minLength: 1, maxLength: 1000 }),
});
export type FatalMessage = Static<typeof FatalMessage>;

export const WelcomeMessage = StrictObject({
  type: Type.Literal('welcome'),
  heartbeatIntervalMs: Type.Integer({ minimum: 100, maximum: 60_000 }),
});
export type WelcomeMessage = Static<typeof WelcomeMessage>;

/** WebSocket close codes the orchestrator uses on the link. */
export const LinkCloseCode = {
  invalidHello: 4400,
  /** The credential was revoked (the child was stopped or replaced): do not retry with it. */
  credentialRevoked: 4401,
  /** The hello does not match the credential (another child's id, or a kind it may not claim). */
  helloRefused: 4403,
  noHello: 4408,
} as const;

/** Environment a supervised child receives (names shared by the supervisor and the worker kit). */
export const ChildEnv = {
  url: 'CHILD_LINK_URL',
  credential: 'CHILD_LINK_TOKEN',
  id: 'CHILD_ID',
  kind: 'CHILD_KIND',
  /** `true`: exit when the link closes (the supervisor respawns); otherwise reconnect with backoff. */
  exitOnDisconnect: 'CHILD_EXIT_ON_DISCONNECT',
} as const;
