import type { OutgoingCall } from './message-taking.js';
import { EventEmitter } from 'node:events';
import type { AudioChunk } from './audio.js';
import type { EndpointingOptions } from './endpointing.js';
import type { PhraseCache } from './output.js';
import type { VoicePhrases } from './phrases.js';
import type {
  ConversationOutcome,
  ConversationStore,
  Degradation,
  FaqPort,
  HttpToolsPort,
  KnowledgePort,
  LlmPort,
  MessageNotifier,
  SpeechHealthPort,
  SttPort,
  TakenMessage,
  TtsPort,
  TurnMetrics,
  VadPort,
} from './ports.js';

export type VoiceStatus =
  'starting' | 'listening' | 'user_speaking' | 'thinking' | 'speaking' | 'recovering' | 'ending' | 'ended';

/** pino's Logger fits this shape. */
export interface VoiceLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

/** The session's logger: adds the conversation id and the error under `err`. */
export type VoiceLog = (
  level: 'info' | 'warn' | 'error',
  error: unknown,
  msg: string,
  extra?: Record<string, unknown>,
) => void;

/** What the session's parts emit through: the session itself. */
export type VoiceEvents = Pick<TypedEmitter<VoiceSessionEvents>, 'emit'>;

export interface VoiceSessionDeps {
  vad: VadPort;
  stt: SttPort;
  llm: LlmPort;
  tts: TtsPort;
  store: ConversationStore;
  notifier: MessageNotifier;
  faq?: FaqPort;
  knowledge?: KnowledgePort;
  httpTools?: HttpToolsPort;
  speechHealth?: SpeechHealthPort;
  /** Shared across sessions so fixed phrases are synthesized once. */
  phraseCache?: PhraseCache;
  /** GSM wires a real transfer; elsewhere leave it out and the tool reports "not available". */
  transfer?: (target: string, signal: AbortSignal) => Promise<boolean>;
  logger?: VoiceLogger;
  /** Epoch milliseconds for records. */
  clock?: () => number;
  /** Monotonic milliseconds for latency measurements. */
  now?: () => number;
  newId?: () => string;
}

export interface VoiceSessionOptions {
  /** The caller's audio, any rate and channel count (converted to 16 kHz mono inside). */
  input: AsyncIterable<AudioChunk>;
  channel: string;
  caller?: string | null;
  signal?: AbortSignal;
  outputSampleRateHz?: number;
  language?: string;
  voice?: string;
  /** Persona slug or model route for the LLM (a widget token's); absent: the LLM port's default. */
  route?: string;
  /** Persona and business facts; the engine adds tool instructions. */
  systemPrompt?: string;
  /**
   * Speak first with an LLM reply to this cue instead of the fixed greeting: an outgoing call, where
   * "you have reached …" would be wrong and the secretary introduces itself and its task.
   */
  opening?: string;
  /** An outgoing call: with the LLM down, the scripted dialogue says who calls and why and offers a call back. */
  outgoing?: OutgoingCall;
  phrases?: VoicePhrases;
  endpointing?: Partial<EndpointingOptions>;
  /** Caller speech during playback shorter than this does not interrupt (cough, "uh-huh"). */
  bargeInMinSpeechMs?: number;
  /** A turn with less voiced audio than this is ignored as noise. */
  minSpeechMs?: number;
  /** Audio before the VAD's speech start that is still sent to STT. */
  prerollMs?: number;
  silencePromptMs?: number;
  maxSilencePrompts?: number;
  maxCallMs?: number;
  speechRecoveryTimeoutMs?: number;
  speechRetryMs?: number;
  maxToolRounds?: number;
  /**
   * A session that stays this long in one status with nothing in flight to move it on is unstuck
   * (re-prompt, VAD restart) or ended politely (core/voice/watchdog.ts); 0 turns the watchdog off.
   */
  watchdogMs?: number;
  /** Watchdog interventions per call before it ends the call. */
  maxWatchdogInterventions?: number;
}

export const SESSION_DEFAULTS = {
  outputSampleRateHz: 16000,
  bargeInMinSpeechMs: 300,
  minSpeechMs: 120,
  prerollMs: 200,
  silencePromptMs: 8000,
  maxSilencePrompts: 2,
  maxCallMs: 15 * 60_000,
  speechRecoveryTimeoutMs: 15_000,
  speechRetryMs: 1000,
  maxToolRounds: 3,
  watchdogMs: 10_000,
  maxWatchdogInterventions: 2,
} as const;

export interface VoiceSessionEvents {
  stateChange: [{ from: VoiceStatus; to: VoiceStatus }];
  transcript: [{ turn: number; kind: 'partial' | 'final'; text: string }];
  /** A clause the secretary is about to say. */
  reply: [{ turn: number; text: string }];
  metrics: [{ turn: number; metrics: TurnMetrics }];
  bargeIn: [{ turn: number; voicedMs: number; droppedMs: number }];
  /** The interrupting speech had no words: the interrupted sentence is spoken again. */
  resume: [{ turn: number; text: string }];
  degraded: [Degradation];
  toolCall: [{ turn: number; name: string; arguments: Record<string, unknown>; result: string }];
  message: [TakenMessage];
  ended: [{ outcome: ConversationOutcome }];
}

/** A typed facade over EventEmitter (state and events only; audio never goes through it). */
export class TypedEmitter<E extends { [K in keyof E]: unknown[] }> {
  private readonly emitter = new EventEmitter();

  on<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.emitter.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.emitter.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  emit<K extends keyof E & string>(event: K, ...args: E[K]): void {
    this.emitter.emit(event, ...args);
  }
}

export interface VoiceSession extends TypedEmitter<VoiceSessionEvents> {
  readonly id: string;
  readonly status: VoiceStatus;
  /** Outgoing audio at `outputSampleRateHz`; wrap it in `paceRealtime` unless the transport paces. */
  readonly output: AsyncIterable<AudioChunk>;
  /** Resolves when the session ended (never rejects). */
  readonly done: Promise<{ outcome: ConversationOutcome }>;
  /** The far end hung up or the transport closed. */
  hangUp(): void;
}
