import { Type, type Static } from 'typebox';
import { StrictObject } from '../common.js';

/**
 * GET /ws/voice: binary frames are 16-bit little-endian mono PCM both ways (caller audio in at
 * `?sampleRate=`, secretary audio out at the same rate); text frames carry these JSON messages.
 */
export const VoiceClientMessage = Type.Union([StrictObject({ type: Type.Literal('hangup') })]);
export type VoiceClientMessage = Static<typeof VoiceClientMessage>;

export const VOICE_WS_SUBPROTOCOL = 'secretary.voice.v1';
export const VOICE_WS_SAMPLE_RATES = [8000, 16000, 24000, 48000] as const;

const Metrics = StrictObject({
  endOfSpeechDelayMs: Type.Union([Type.Number(), Type.Null()]),
  sttFinalMs: Type.Union([Type.Number(), Type.Null()]),
  llmTtftMs: Type.Union([Type.Number(), Type.Null()]),
  ttsFirstAudioMs: Type.Union([Type.Number(), Type.Null()]),
  voiceToVoiceMs: Type.Union([Type.Number(), Type.Null()]),
});

export const VoiceServerMessage = Type.Union([
  StrictObject({ type: Type.Literal('ready'), sessionId: Type.String(), sampleRateHz: Type.Integer() }),
  StrictObject({ type: Type.Literal('state'), from: Type.String(), to: Type.String() }),
  StrictObject({
    type: Type.Literal('transcript'),
    turn: Type.Integer(),
    kind: Type.Union([Type.Literal('partial'), Type.Literal('final')]),
    text: Type.String(),
  }),
  StrictObject({ type: Type.Literal('reply'), turn: Type.Integer(), text: Type.String() }),
  StrictObject({ type: Type.Literal('metrics'), turn: Type.Integer(), metrics: Metrics }),
  StrictObject({ type: Type.Literal('barge_in'), turn: Type.Integer() }),
  StrictObject({ type: Type.Literal('degraded'), kind: Type.String(), detail: Type.Optional(Type.String()) }),
  StrictObject({ type: Type.Literal('error'), code: Type.String(), message: Type.String() }),
  StrictObject({ type: Type.Literal('ended'), outcome: Type.String() }),
]);
export type VoiceServerMessage = Static<typeof VoiceServerMessage>;
