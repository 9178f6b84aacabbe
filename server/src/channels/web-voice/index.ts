import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { Value } from 'typebox/value';
import type { WebSocket } from 'ws';
import {
  StrictObject,
  VOICE_WS_SUBPROTOCOL,
  VoiceClientMessage,
  type VoiceServerMessage,
} from '@ai-secretary/protocol';
import type { AuthService } from '../../core/auth/auth-service.js';
import type { Principal } from '../../core/auth/types.js';
import type { WidgetTokenRecord } from '../../core/widget-tokens/types.js';
import { isWidgetToken, type WidgetTokensService } from '../../core/widget-tokens/widget-tokens-service.js';
import { AsyncQueue } from '@ai-secretary/protocol';
import { paceRealtime, type AudioChunk } from '../../core/voice/audio.js';
import type { VoiceSession } from '../../core/voice/session-types.js';
import { AuthError, ForbiddenError } from '../../errors.js';
import type { StartVoiceSession } from '../../voice/runtime.js';

/** One binary frame may carry at most this much audio (1 s at 48 kHz). */
const MAX_FRAME_BYTES = 96_000;

const Query = StrictObject({
  sampleRate: Type.Optional(
    Type.Union([Type.Literal(8000), Type.Literal(16000), Type.Literal(24000), Type.Literal(48000)], {
      description: 'PCM rate of both directions (default 16000)',
    }),
  ),
  token: Type.Optional(
    Type.String({ minLength: 10, maxLength: 4096, description: 'Admin-panel access token or widget token (wt-…)' }),
  ),
});

declare module 'fastify' {
  interface FastifyRequest {
    voicePrincipal?: Principal;
    voiceWidget?: WidgetTokenRecord;
  }
}

/** The token comes as `?token=` or as a `bearer.<token>` entry of Sec-WebSocket-Protocol (browsers). */
function tokenOf(request: FastifyRequest): string | null {
  const query = request.query as { token?: string };
  if (query.token !== undefined) return query.token;
  const protocols = String(request.headers['sec-websocket-protocol'] ?? '').split(',');
  const entry = protocols.map((p) => p.trim()).find((p) => p.startsWith('bearer.'));
  return entry === undefined ? null : entry.slice('bearer.'.length);
}

function send(socket: WebSocket, message: VoiceServerMessage): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}

function forwardEvents(session: VoiceSession, socket: WebSocket): void {
  session.on('stateChange', ({ from, to }) => send(socket, { type: 'state', from, to }));
  session.on('transcript', (e) => send(socket, { type: 'transcript', ...e }));
  session.on('reply', (e) => send(socket, { type: 'reply', ...e }));
  session.on('metrics', (e) => send(socket, { type: 'metrics', ...e }));
  session.on('bargeIn', (e) => send(socket, { type: 'barge_in', turn: e.turn }));
  session.on('degraded', (d) =>
    send(socket, { type: 'degraded', kind: d.kind, ...(d.detail ? { detail: d.detail } : {}) }),
  );
}

function parseAudio(data: Buffer, sampleRateHz: number): AudioChunk | string {
  if (data.length === 0 || data.length % 2 !== 0) return 'Audio frames must be 16-bit PCM (an even number of bytes)';
  if (data.length > MAX_FRAME_BYTES) return `Audio frames must be at most ${MAX_FRAME_BYTES} bytes`;
  const pcm = new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length));
  return { pcm, sampleRateHz, channels: 1 };
}

function onClientMessage(session: VoiceSession, socket: WebSocket, text: string): void {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return send(socket, { type: 'error', code: 'VOICE_BAD_MESSAGE', message: 'Text frames must be JSON' });
  }
  if (!Value.Check(VoiceClientMessage, message)) {
    return send(socket, {
      type: 'error',
      code: 'VOICE_BAD_MESSAGE',
      message: 'Unknown message; expected {"type":"hangup"}',
    });
  }
  session.hangUp();
}

async function pumpOutput(session: VoiceSession, socket: WebSocket, signal: AbortSignal): Promise<void> {
  for await (const chunk of paceRealtime(session.output, { signal })) {
    if (socket.readyState !== socket.OPEN) return;
    socket.send(Buffer.from(chunk.pcm.buffer, chunk.pcm.byteOffset, chunk.pcm.byteLength));
  }
}

export interface WebVoiceDeps {
  auth: AuthService;
  widgetTokens: WidgetTokensService;
  startSession: StartVoiceSession;
}

/** Close code when a widget token already has its maximum of concurrent sessions open. */
export const WIDGET_SESSION_LIMIT_CLOSE = 4429;
/** Close code of a widget session whose token an admin revoked (like the 401 a new connection gets). */
export const WIDGET_TOKEN_REVOKED_CLOSE = 4401;
export const WIDGET_TOKEN_REVOKED_REASON = 'widget token revoked';

/** Admin-panel user or widget token; refusals throw before the upgrade (401/403). */
async function authorizeUpgrade(deps: WebVoiceDeps, request: FastifyRequest): Promise<void> {
  const token = tokenOf(request);
  if (token === null) throw new AuthError('AUTH_REQUIRED', 'Pass an access token as ?token= or subprotocol');
  if (isWidgetToken(token)) {
    request.voiceWidget = await deps.widgetTokens.verify(token, request.headers.origin);
    return;
  }
  const principal = await deps.auth.authenticate(token);
  if (principal.role === 'guest') throw new ForbiddenError('Guests cannot start voice sessions');
  request.voicePrincipal = principal;
}

/** Where the session comes from: the admin page (`web`) or a widget token (`widget`, its persona). */
function sessionSource(request: FastifyRequest): { channel: string; caller: string | null; route?: string } {
  const widget = request.voiceWidget;
  if (widget === undefined) return { channel: 'web', caller: request.voicePrincipal?.username ?? null };
  return { channel: 'widget', caller: widget.name, ...(widget.route !== null ? { route: widget.route } : {}) };
}

/** GET /ws/voice: the browser "talk to your secretary" transport (PCM both ways + JSON events). */
export function webVoiceRoutes(deps: WebVoiceDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/ws/voice',
      {
        websocket: true,
        schema: { hide: true, querystring: Query },
        preValidation: (request) => authorizeUpgrade(deps, request),
      },
      (socket, request) => {
        const widget = request.voiceWidget;
        const revoked = () => socket.close(WIDGET_TOKEN_REVOKED_CLOSE, WIDGET_TOKEN_REVOKED_REASON);
        const acquired = widget === undefined ? null : deps.widgetTokens.acquire(widget, revoked);
        if (widget !== undefined && acquired?.ok === false) {
          if (acquired.reason === 'revoked') return revoked();
          const message = `This widget token allows ${widget.maxConcurrentSessions} concurrent voice sessions`;
          send(socket, { type: 'error', code: 'VOICE_SESSION_LIMIT', message });
          return socket.close(WIDGET_SESSION_LIMIT_CLOSE, 'too many sessions for this widget token');
        }
        const slot = acquired?.ok === true ? acquired.slot : null;
        const sampleRateHz = request.query.sampleRate ?? 16000;
        const input = new AsyncQueue<AudioChunk>();
        const closed = new AbortController();
        const session = deps.startSession({ input, ...sessionSource(request), outputSampleRateHz: sampleRateHz });
        send(socket, { type: 'ready', sessionId: session.id, sampleRateHz });
        forwardEvents(session, socket);
        socket.on('message', (data: Buffer, isBinary: boolean) => {
          if (!isBinary) return onClientMessage(session, socket, data.toString('utf8'));
          const chunk = parseAudio(data, sampleRateHz);
          if (typeof chunk === 'string')
            return send(socket, { type: 'error', code: 'VOICE_BAD_AUDIO', message: chunk });
          input.push(chunk);
        });
        socket.on('close', () => {
          slot?.release();
          closed.abort();
          input.end();
          session.hangUp();
        });
        void pumpOutput(session, socket, closed.signal);
        void session.done.then(({ outcome }) => {
          slot?.release();
          send(socket, { type: 'ended', outcome });
          socket.close(1000, 'call ended');
        });
      },
    );
  };
}

export { VOICE_WS_SUBPROTOCOL };
