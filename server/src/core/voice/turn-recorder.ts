import type {
  ConversationOutcome,
  ConversationStore,
  Degradation,
  MessageNotifier,
  TakenMessageDraft,
  TurnMetrics,
} from './ports.js';
import type { Reply } from './reply.js';
import type { VoiceEvents, VoiceLog } from './session-types.js';

export interface TurnRecorderDeps {
  store: ConversationStore;
  notifier: MessageNotifier;
  events: VoiceEvents;
  log: VoiceLog;
  conversationId: string;
  channel: string;
  caller: string | null;
  /** Epoch milliseconds for records. */
  clock: () => number;
  newId: () => string;
}

const round1 = (ms: number | undefined | null) => (ms === undefined || ms === null ? null : Math.round(ms * 10) / 10);
const diff = (a: number | undefined | null, b: number | undefined | null) =>
  a === undefined || a === null || b === undefined || b === null ? null : round1(a - b);

/** Soft endings of a call in which a message was taken are recorded as `message_taken`. */
const SOFT_OUTCOMES: ConversationOutcome[] = ['completed', 'hung_up', 'no_response'];

/**
 * What a call leaves behind: the conversation row, one row per turn with its latency metrics, the
 * messages taken and the degradations, plus the matching transcript, metrics, message and degraded
 * events. Turns are numbered here. Store failures are logged, never thrown into the call.
 */
export class TurnRecorder {
  private created: Promise<void> = Promise.resolve();
  private readonly writes: Array<Promise<unknown>> = [];
  private readonly degradations: Degradation[] = [];
  private turnCount = 0;
  private messageTaken = false;

  constructor(private readonly deps: TurnRecorderDeps) {}

  /** The number of the last turn begun (0 before the first). */
  get turns(): number {
    return this.turnCount;
  }

  /** Stores the conversation; later writes wait for it. */
  start(): void {
    this.created = this.deps.store
      .createConversation({
        id: this.deps.conversationId,
        channel: this.deps.channel,
        caller: this.deps.caller,
        startedAt: this.deps.clock(),
        endedAt: null,
        outcome: null,
        turnCount: 0,
        degradations: [],
      })
      .catch((error: unknown) => this.deps.log('error', error, 'voice: cannot store the conversation'));
  }

  /** A recorded reply is a new turn; a prompt belongs to the current one. */
  beginTurn(record: boolean): { turn: number; startedAt: number } {
    return { turn: record ? ++this.turnCount : this.turnCount, startedAt: this.deps.clock() };
  }

  /** What the caller is saying (partial) or said (final) in the coming turn. */
  transcript(kind: 'partial' | 'final', text: string): void {
    this.deps.events.emit('transcript', { turn: this.turnCount + 1, kind, text });
  }

  degrade(kind: Degradation['kind'], detail?: string): void {
    const entry: Degradation = { atMs: this.deps.clock(), kind, ...(detail === undefined ? {} : { detail }) };
    this.degradations.push(entry);
    this.deps.events.emit('degraded', entry);
    this.deps.log('warn', null, `voice: degraded (${kind})`, { kind, detail });
  }

  /** Stores a taken message and announces it (the announcement is not awaited). */
  async storeMessage(draft: TakenMessageDraft, source: 'llm' | 'scripted'): Promise<void> {
    const message = {
      ...draft,
      id: this.deps.newId(),
      conversationId: this.deps.conversationId,
      channel: this.deps.channel,
      source,
      createdAt: this.deps.clock(),
      handledAt: null,
      handledBy: null,
    };
    await this.created;
    await this.deps.store.addMessage(message);
    this.messageTaken = true;
    this.deps.events.emit('message', message);
    void this.deps.notifier
      .messageTaken(message)
      .catch((e: unknown) => this.deps.log('warn', e, 'voice: notify failed'));
  }

  /** Emits the turn's latency metrics and stores the turn. */
  recordTurn(reply: Reply): void {
    const metrics = turnMetrics(reply);
    this.deps.events.emit('metrics', { turn: reply.turn, metrics });
    const write = this.created.then(() => this.deps.store.addTurn(this.turnRecord(reply, metrics)));
    this.writes.push(write.catch((error: unknown) => this.deps.log('error', error, 'voice: cannot store the turn')));
  }

  private turnRecord(reply: Reply, metrics: TurnMetrics) {
    const s = reply.speaker;
    return {
      id: this.deps.newId(),
      conversationId: this.deps.conversationId,
      index: reply.turn,
      mode: reply.mode,
      userText: reply.userText,
      assistantText: (reply.interrupted ? s.spokenText : s.fullText) || null,
      startedAt: reply.startedAt,
      endedAt: this.deps.clock(),
      outcome: reply.interrupted
        ? ('interrupted' as const)
        : reply.failed
          ? ('failed' as const)
          : ('completed' as const),
      toolCalls: reply.toolCalls,
      metrics,
    };
  }

  finalOutcome(outcome: ConversationOutcome): ConversationOutcome {
    return this.messageTaken && SOFT_OUTCOMES.includes(outcome) ? 'message_taken' : outcome;
  }

  /** Waits for the pending writes, then stores how the conversation ended. */
  async close(outcome: ConversationOutcome): Promise<void> {
    await Promise.allSettled(this.writes);
    await this.created;
    await this.deps.store
      .updateConversation(this.deps.conversationId, {
        endedAt: this.deps.clock(),
        outcome,
        turnCount: this.turnCount,
        degradations: this.degradations,
      })
      .catch((error: unknown) => this.deps.log('error', error, 'voice: cannot update the conversation'));
  }
}

function turnMetrics(reply: Reply): TurnMetrics {
  const t = reply.timing;
  const s = reply.speaker;
  return {
    endOfSpeechDelayMs: diff(t.endpointWallMs, t.speechEndWallMs),
    sttFinalMs: diff(t.finalWallMs, t.endpointWallMs),
    llmTtftMs: diff(t.llmFirstMs, t.llmStartMs),
    ttsFirstAudioMs: diff(s.timings.ttsFirstChunkMs, s.timings.ttsStartMs),
    voiceToVoiceMs: diff(s.firstPlayedMs, t.speechEndWallMs),
  };
}
