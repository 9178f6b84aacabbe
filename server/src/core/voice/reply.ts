import type { createChunker } from './chunker.js';
import type { ConversationOutcome, TurnMode, TurnToolCall } from './ports.js';
import type { Speaker } from './speaker.js';

/** Monotonic timestamps of one turn, from the caller's end of speech to the LLM's first token. */
export interface ReplyTiming {
  speechEndWallMs?: number;
  endpointWallMs?: number;
  finalWallMs?: number;
  llmStartMs?: number;
  llmFirstMs?: number;
}

/** One thing the secretary says: a prompt, an LLM or FAQ answer, a scripted step or a resumed sentence. */
export interface Reply {
  turn: number;
  mode: TurnMode;
  /** Prompts (greeting, "are you still there?") are not turns and are not recorded. */
  record: boolean;
  userText: string | null;
  abort: AbortController;
  speaker: Speaker;
  chunker: ReturnType<typeof createChunker> | null;
  interrupted: boolean;
  failed: boolean;
  /** Epoch milliseconds. */
  startedAt: number;
  toolCalls: TurnToolCall[];
  /** Set by a tool or the scripted dialogue: the call ends this way once the reply has played. */
  endCall: ConversationOutcome | null;
  timing: ReplyTiming;
  done: Promise<void>;
}
