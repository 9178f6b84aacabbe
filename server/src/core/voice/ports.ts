import type { AudioChunk } from './audio.js';

/*
 * The engine's ports. Adapters for the LLM router and the speech worker implement these; the
 * in-repo fakes under server/src/testing/ implement them for tests and benchmarks. docs/voice.md
 * describes each contract in detail.
 */

// ---------------------------------------------------------------- VAD

export type VadEvent = { type: 'speech_start'; atMs: number } | { type: 'speech_end'; atMs: number };

export interface VadPort {
  /**
   * How far behind the input its boundaries can arrive (an asynchronous VAD such as the worker's:
   * hangover + transport). While the caller speaks, the engine counts voiced time only up to this
   * much before the input position, so a short sound is not taken for long speech. Default 0.
   */
  readonly lagMs?: number;
  /**
   * Consumes the caller's audio (16 kHz mono, any chunk size) and yields speech boundaries on the
   * input audio timeline (`atMs` = milliseconds of audio since the stream began). Pull-driven: all
   * events for a chunk are yielded before the next chunk is pulled, so the engine knows how far the
   * VAD has listened. Throws `SpeechUnavailableError` (stage `vad`) when the worker is down.
   */
  detect(input: AsyncIterable<AudioChunk>, signal: AbortSignal): AsyncIterable<VadEvent>;
}

// ---------------------------------------------------------------- STT

export type SttEvent = { type: 'partial'; text: string } | { type: 'final'; text: string };

export interface SttRequest {
  /** One caller turn, 16 kHz mono, delivered while the caller speaks; the iterable ends at end of turn. */
  audio: AsyncIterable<AudioChunk>;
  language?: string;
}

export interface SttPort {
  /**
   * Yields any number of partials while audio arrives (streaming engines) and exactly one final
   * after the audio ends (batch engines yield only the final). An empty final means "nothing
   * intelligible". Throws `SpeechUnavailableError` (stage `stt`) when the worker is down.
   */
  transcribe(request: SttRequest, signal: AbortSignal): AsyncIterable<SttEvent>;
}

// ---------------------------------------------------------------- LLM

export interface LlmToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

export type LlmMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: LlmToolCall[] }
  | { role: 'tool'; toolCallId: string; content: string };

export interface LlmToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

export type LlmEvent = { type: 'text'; delta: string } | { type: 'tool_call'; call: LlmToolCall };

export interface LlmRequest {
  messages: LlmMessage[];
  tools: LlmToolSpec[];
  /** Free-form routing hints for the router (channel, conversation id). */
  metadata?: Record<string, string>;
}

export interface LlmPort {
  /**
   * Streams text deltas as they arrive and complete tool calls (arguments parsed). Aborting the
   * signal must cancel the upstream request. Throws `LlmUnavailableError` when every provider is
   * down; any other error fails the turn only.
   */
  stream(request: LlmRequest, signal: AbortSignal): AsyncIterable<LlmEvent>;
}

/** FAQ lookup (exact or fuzzy), answered without the LLM; also used in degraded mode. */
export interface FaqPort {
  match(question: string, signal: AbortSignal): Promise<string | null>;
}

/** The business's documents (docs/knowledge.md): offered as `search_knowledge` while `available()`. */
export interface KnowledgePort {
  available(): boolean;
  /** The passages (with their sources) the model reads as the tool result. */
  search(query: string, signal: AbortSignal): Promise<string>;
}

/**
 * The owner's HTTP tools a call may use (docs/http-tools.md), read synchronously per LLM round. `run` returns
 * null for a name it does not know; otherwise the result the model reads (never throws: refusals, bad
 * arguments, timeouts come back as `error: …` text).
 */
export interface HttpToolsPort {
  specs(route: string | undefined): LlmToolSpec[];
  run(
    name: string,
    args: Record<string, unknown>,
    route: string | undefined,
    signal: AbortSignal,
  ): Promise<string | null>;
}

// ---------------------------------------------------------------- TTS

export interface TtsRequest {
  text: string;
  voice?: string;
  language?: string;
}

export interface TtsPort {
  /**
   * Yields the spoken text as audio chunks (any rate, mono) as soon as they exist. Aborting the
   * signal stops synthesis. Throws `SpeechUnavailableError` (stage `tts`) when the worker is down.
   */
  synthesize(request: TtsRequest, signal: AbortSignal): AsyncIterable<AudioChunk>;
}

/** Optional: resolves when the speech worker is back (supervisor `entersState(..., 'ready')`). */
export interface SpeechHealthPort {
  waitUntilReady(signal: AbortSignal): Promise<void>;
}

// ---------------------------------------------------------------- records

export type ConversationOutcome =
  | 'completed'
  | 'hung_up'
  | 'message_taken'
  | 'transferred'
  | 'timeout'
  | 'no_response'
  | 'failed'
  /** The process stopped (crash, kill -9) while the conversation ran; closed on the next start. */
  | 'interrupted';

export interface Degradation {
  atMs: number;
  /** `watchdog`: the session was stuck (detail: in which state) and was unstuck or ended. */
  kind: 'llm_down' | 'speech_down' | 'speech_recovered' | 'speech_lost' | 'llm_error' | 'watchdog';
  detail?: string;
}

export interface ConversationRecord {
  id: string;
  channel: string;
  caller: string | null;
  startedAt: number;
  endedAt: number | null;
  outcome: ConversationOutcome | null;
  turnCount: number;
  degradations: Degradation[];
}

export interface TurnMetrics {
  /** Wall time from the caller's last speech audio arriving to the end-of-turn decision. */
  endOfSpeechDelayMs: number | null;
  /** End of turn → final transcript. */
  sttFinalMs: number | null;
  /** LLM request → first text delta or tool call. */
  llmTtftMs: number | null;
  /** First clause sent to TTS → its first audio chunk. */
  ttsFirstAudioMs: number | null;
  /** Caller's last speech audio arriving → first reply audio handed to the transport. */
  voiceToVoiceMs: number | null;
}

export type TurnMode = 'llm' | 'faq' | 'scripted' | 'resume' | 'prompt';
export type TurnOutcome = 'completed' | 'interrupted' | 'failed' | 'empty';

export interface TurnToolCall {
  name: string;
  arguments: Record<string, unknown>;
  result: string;
}

export interface TurnRecord {
  id: string;
  conversationId: string;
  index: number;
  mode: TurnMode;
  userText: string | null;
  assistantText: string | null;
  startedAt: number;
  endedAt: number;
  outcome: TurnOutcome;
  toolCalls: TurnToolCall[];
  metrics: TurnMetrics;
}

export interface TakenMessageDraft {
  callerName: string;
  callbackNumber: string;
  reason: string;
}

export interface TakenMessage extends TakenMessageDraft {
  id: string;
  conversationId: string | null;
  channel: string;
  source: 'llm' | 'scripted';
  createdAt: number;
  handledAt: number | null;
  handledBy: string | null;
}

/** Where the engine writes its records; a TypeORM store implements it (server/src/db/stores). */
export interface ConversationStore {
  createConversation(record: ConversationRecord): Promise<void>;
  updateConversation(id: string, patch: Partial<Omit<ConversationRecord, 'id'>>): Promise<void>;
  addTurn(turn: TurnRecord): Promise<void>;
  addMessage(message: TakenMessage): Promise<void>;
}

/** Run once at start, before any session: no conversation is live, so one without an outcome was cut. */
export interface ConversationRecovery {
  /** Ends conversations a crash left without an outcome (`interrupted`); returns how many. */
  closeInterrupted(endedAt: number): Promise<number>;
}

/** Announces a taken message to the business (signed outgoing webhooks). Must not throw. */
export interface MessageNotifier {
  messageTaken(message: TakenMessage): Promise<void>;
}
