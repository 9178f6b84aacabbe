import { randomUUID } from 'node:crypto';
import type { AudioChunk } from './audio.js';
import { createChunker, speakable } from './chunker.js';
import { DEFAULT_ENDPOINTING } from './endpointing.js';
import { isLlmUnavailable, type SpeechUnavailableError } from './errors.js';
import { createMessageTakingDialogue, type MessageTakingDialogue } from './message-taking.js';
import { createPhraseCache, OutputChannel, type PhraseCache } from './output.js';
import { phrasesFor, type VoicePhrases } from './phrases.js';
import type {
  ConversationOutcome,
  Degradation,
  LlmMessage,
  LlmToolCall,
  TakenMessageDraft,
  TurnMetrics,
  TurnMode,
  TurnToolCall,
} from './ports.js';
import {
  SESSION_DEFAULTS,
  TypedEmitter,
  type VoiceSession,
  type VoiceSessionDeps,
  type VoiceSessionEvents,
  type VoiceSessionOptions,
  type VoiceStatus,
} from './session-types.js';
import { CallerListener, type ListenerHost, type UserTurn } from './listener.js';
import { SpeechRecovery, type RecoveryHost } from './recovery.js';
import { Speaker } from './speaker.js';
import { END_CALL, parseTakeMessage, TAKE_MESSAGE, TRANSFER, VOICE_TOOLS } from './tools.js';

interface Reply {
  turn: number;
  mode: TurnMode;
  record: boolean;
  userText: string | null;
  abort: AbortController;
  speaker: Speaker;
  chunker: ReturnType<typeof createChunker> | null;
  interrupted: boolean;
  failed: boolean;
  startedAt: number;
  toolCalls: TurnToolCall[];
  endCall: ConversationOutcome | null;
  timing: {
    speechEndWallMs?: number;
    endpointWallMs?: number;
    finalWallMs?: number;
    llmStartMs?: number;
    llmFirstMs?: number;
  };
  done: Promise<void>;
}

export const DEFAULT_PROMPT =
  'You are a friendly phone secretary for a small business. This is a voice call: answer in one or two short ' +
  'sentences, no lists or markdown. If the caller wants to leave a message, collect their name, callback number ' +
  'and reason, then call take_message. When the caller says goodbye, say goodbye and call end_call.';

const round1 = (ms: number | undefined | null) => (ms === undefined || ms === null ? null : Math.round(ms * 10) / 10);
const diff = (a: number | undefined | null, b: number | undefined | null) =>
  a === undefined || a === null || b === undefined || b === null ? null : round1(a - b);

class VoiceSessionImpl extends TypedEmitter<VoiceSessionEvents> implements VoiceSession {
  readonly id: string;
  status: VoiceStatus = 'starting';
  readonly output: OutputChannel;
  readonly done: Promise<{ outcome: ConversationOutcome }>;
  private resolveDone!: (value: { outcome: ConversationOutcome }) => void;
  private readonly o: Required<
    Omit<VoiceSessionOptions, 'signal' | 'caller' | 'language' | 'voice' | 'endpointing' | 'route' | 'opening'>
  > &
    Pick<VoiceSessionOptions, 'language' | 'voice' | 'route'>;
  private readonly phrases: VoicePhrases;
  private readonly cache: PhraseCache;
  private readonly now: () => number;
  private readonly clock: () => number;
  private readonly abort = new AbortController();
  private readonly history: LlmMessage[] = [];
  private readonly degradations: Degradation[] = [];
  private readonly writes: Array<Promise<unknown>> = [];
  private created: Promise<void> = Promise.resolve();
  private reply: Reply | null = null;
  private readonly listener: CallerListener;
  private turnChain: Promise<void> = Promise.resolve();
  private turnCount = 0;
  private pendingResume: string[] | null = null;
  private mode: 'llm' | 'scripted' = 'llm';
  private dialogue: MessageTakingDialogue | null = null;
  private silenceTimer: NodeJS.Timeout | null = null;
  private callTimer: NodeJS.Timeout | null = null;
  private silencePrompts = 0;
  private readonly recovery: SpeechRecovery;
  private messageTaken = false;
  private ending = false;
  private ended = false;

  constructor(
    private readonly deps: VoiceSessionDeps,
    private readonly options: VoiceSessionOptions,
  ) {
    super();
    this.id = (deps.newId ?? randomUUID)();
    this.o = { ...SESSION_DEFAULTS, systemPrompt: DEFAULT_PROMPT, phrases: phrasesFor(options.language), ...options };
    this.phrases = this.o.phrases;
    this.now = deps.now ?? (() => performance.now());
    this.clock = deps.clock ?? Date.now;
    this.cache = deps.phraseCache ?? createPhraseCache(deps.tts);
    this.output = new OutputChannel(this.o.outputSampleRateHz);
    this.listener = new CallerListener(this.listenerHost());
    this.recovery = new SpeechRecovery(this.recoveryHost());
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    options.signal?.addEventListener('abort', () => this.hangUp(), { once: true });
    void this.start();
  }

  hangUp(): void {
    void this.finish('hung_up');
  }

  // ------------------------------------------------------------ lifecycle

  private async start(): Promise<void> {
    this.created = this.deps.store
      .createConversation({
        id: this.id,
        channel: this.o.channel,
        caller: this.options.caller ?? null,
        startedAt: this.clock(),
        endedAt: null,
        outcome: null,
        turnCount: 0,
        degradations: [],
      })
      .catch((error: unknown) => this.log('error', error, 'voice: cannot store the conversation'));
    this.callTimer = setTimeout(() => void this.endCall('timeout', this.phrases.timeUp), this.o.maxCallMs);
    const p = this.phrases;
    for (const text of [p.apology, p.speechLost, p.stillThere, p.goodbye]) void this.cached(text);
    void this.listener.run(this.options.input);
    if (this.options.opening !== undefined) return this.open(this.options.opening);
    const greeting = await this.cached(p.greeting);
    if (!this.ending) this.startReply('prompt', null, async (reply) => reply.speaker.say(p.greeting, greeting));
  }

  /** The secretary speaks first with the LLM's words (outgoing calls); the cue stays in the history. */
  private open(cue: string): void {
    this.history.push({ role: 'user', content: cue });
    this.startReply('llm', null, (reply) => this.runLlm(reply, null));
  }

  private setState(to: VoiceStatus): void {
    if (this.status === to || this.status === 'ended') return;
    const from = this.status;
    this.status = to;
    this.emit('stateChange', { from, to });
  }

  private settle(): void {
    if (this.ending || this.reply !== null) return;
    if (this.recovery.waiting) return this.setState('recovering');
    this.setState(this.listener.current !== null ? 'user_speaking' : 'listening');
    if (this.status === 'listening') this.armSilenceTimer();
  }

  private async endCall(outcome: ConversationOutcome, phrase: string): Promise<void> {
    if (this.ending) return;
    this.ending = true;
    this.clearTimers();
    await this.cancelReply();
    this.setState('ending');
    const speaker = new Speaker(this.speakerContext(null), this.abort.signal);
    speaker.say(phrase, await this.cached(phrase));
    speaker.finish();
    await speaker.done;
    await speaker.played();
    await this.finish(outcome);
  }

  private async finish(outcome: ConversationOutcome): Promise<void> {
    if (this.ended) return;
    this.ended = this.ending = true;
    this.clearTimers();
    this.listener.current?.abort.abort();
    this.reply?.abort.abort();
    this.abort.abort();
    this.output.close();
    const final = this.finalOutcome(outcome);
    this.setState('ended');
    await Promise.allSettled(this.writes);
    await this.created;
    await this.deps.store
      .updateConversation(this.id, {
        endedAt: this.clock(),
        outcome: final,
        turnCount: this.turnCount,
        degradations: this.degradations,
      })
      .catch((error: unknown) => this.log('error', error, 'voice: cannot update the conversation'));
    this.emit('ended', { outcome: final });
    this.resolveDone({ outcome: final });
  }

  private finalOutcome(outcome: ConversationOutcome): ConversationOutcome {
    const soft: ConversationOutcome[] = ['completed', 'hung_up', 'no_response'];
    return this.messageTaken && soft.includes(outcome) ? 'message_taken' : outcome;
  }

  private clearTimers(): void {
    if (this.silenceTimer !== null) clearTimeout(this.silenceTimer);
    if (this.callTimer !== null) clearTimeout(this.callTimer);
    this.silenceTimer = this.callTimer = null;
  }

  private armSilenceTimer(): void {
    if (this.silenceTimer !== null) clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => this.onSilence(), this.o.silencePromptMs);
  }

  private onSilence(): void {
    this.silenceTimer = null;
    if (this.status !== 'listening' || this.reply !== null || this.listener.current !== null) return;
    if (++this.silencePrompts > this.o.maxSilencePrompts) return void this.endCall('no_response', this.phrases.goodbye);
    const text = this.phrases.stillThere;
    this.startReply('prompt', null, async (reply) => reply.speaker.say(text, await this.cached(text)));
  }

  // ------------------------------------------------------------ caller turns

  private listenerHost(): ListenerHost {
    return {
      vad: this.deps.vad,
      stt: this.deps.stt,
      language: this.o.language,
      endpointing: { ...DEFAULT_ENDPOINTING, ...this.options.endpointing },
      prerollMs: this.o.prerollMs,
      bargeInMinSpeechMs: this.o.bargeInMinSpeechMs,
      minSpeechMs: this.o.minSpeechMs,
      signal: this.abort.signal,
      now: this.now,
      closing: () => this.ending,
      busy: () => this.reply !== null,
      turnStarted: (busy) => {
        if (this.silenceTimer !== null) clearTimeout(this.silenceTimer);
        if (!busy) this.setState('user_speaking');
      },
      bargeIn: (voicedMs) => this.bargeIn(voicedMs),
      turnEnded: (turn) => {
        this.turnChain = this.turnChain.then(() => this.handleTurn(turn));
      },
      noiseEnded: () => this.settle(),
      partial: (text) => this.emit('transcript', { turn: this.turnCount + 1, kind: 'partial', text }),
      speechTrouble: (error) => this.speechTrouble(error),
      speechOk: () => this.onSpeechOk(),
      inputEnded: () => this.hangUp(),
      failed: (error, message) => this.fail(error, message),
      sttFailed: (error) => this.log('error', error, 'voice: STT failed'),
    };
  }

  private async handleTurn(turn: UserTurn): Promise<void> {
    const text = await turn.transcript;
    if (this.ending) return;
    const finalWallMs = this.now();
    this.emit('transcript', { turn: this.turnCount + 1, kind: 'final', text });
    if (text === '') return this.onEmptyTurn();
    this.pendingResume = null;
    this.silencePrompts = 0;
    await this.cancelReply();
    const timing = { speechEndWallMs: turn.speechEndWallMs, endpointWallMs: turn.endpointWallMs, finalWallMs };
    if (this.mode === 'scripted') return this.startReply('scripted', text, (r) => this.runScripted(r, text), timing);
    this.history.push({ role: 'user', content: text });
    this.startReply('llm', text, (r) => this.runLlm(r, text), timing);
  }

  /** Speech without words: after a barge-in, say the interrupted sentence again. */
  private onEmptyTurn(): void {
    const resume = this.pendingResume;
    this.pendingResume = null;
    if (resume === null || this.reply !== null) return this.settle();
    this.emit('resume', { turn: this.turnCount, text: resume.join(' ') });
    this.startReply('resume', null, async (reply) => resume.forEach((clause) => reply.speaker.say(clause)));
  }

  private bargeIn(voicedMs: number): void {
    const reply = this.reply!;
    reply.interrupted = true;
    const pending = reply.chunker === null ? '' : speakable(reply.chunker.pending);
    const resume = [...reply.speaker.unplayed, pending].filter((t) => t !== '');
    this.pendingResume = resume.length > 0 ? resume : null;
    reply.abort.abort();
    const droppedMs = Math.round(this.output.clear());
    this.emit('bargeIn', { turn: reply.turn, voicedMs, droppedMs });
    this.setState('user_speaking');
  }

  // ------------------------------------------------------------ replies

  private startReply(
    mode: TurnMode,
    userText: string | null,
    body: (reply: Reply) => Promise<void>,
    timing: Reply['timing'] = {},
  ): void {
    const abort = new AbortController();
    const signal = AbortSignal.any([abort.signal, this.abort.signal]);
    const record = mode !== 'prompt';
    const reply: Reply = {
      turn: record ? ++this.turnCount : this.turnCount,
      mode,
      record,
      userText,
      abort,
      speaker: null as unknown as Speaker,
      chunker: null,
      interrupted: false,
      failed: false,
      startedAt: this.clock(),
      toolCalls: [],
      endCall: null,
      timing,
      done: Promise.resolve(),
    };
    reply.speaker = new Speaker(this.speakerContext(reply), signal);
    this.reply = reply;
    this.setState('thinking');
    reply.done = this.runReply(reply, body);
  }

  private async runReply(reply: Reply, body: (reply: Reply) => Promise<void>): Promise<void> {
    try {
      await body(reply);
    } catch (error) {
      if (!reply.abort.signal.aborted && !this.ended) {
        reply.failed = true;
        this.log('error', error, 'voice: reply failed');
      }
    }
    reply.speaker.finish();
    await reply.speaker.done;
    if (!reply.abort.signal.aborted) await reply.speaker.played();
    await this.finishReply(reply);
  }

  private async finishReply(reply: Reply): Promise<void> {
    if (this.reply === reply) this.reply = null;
    if (reply.mode !== 'prompt') {
      const said = reply.interrupted ? reply.speaker.spokenText : reply.speaker.fullText;
      if (said !== '') this.history.push({ role: 'assistant', content: said });
    }
    if (reply.record) this.recordTurn(reply);
    if (reply.endCall !== null && !reply.interrupted) return this.finish(reply.endCall);
    this.settle();
  }

  private async cancelReply(): Promise<void> {
    const reply = this.reply;
    if (reply === null) return;
    reply.abort.abort();
    this.output.clear();
    await reply.done;
  }

  /** `text` is what the caller said (checked against the FAQ first); null for the opening of an outgoing call. */
  private async runLlm(reply: Reply, text: string | null): Promise<void> {
    const faq = text === null ? null : await this.deps.faq?.match(text, reply.abort.signal);
    if (faq) return ((reply.mode = 'faq'), reply.speaker.say(speakable(faq)));
    try {
      for (let round = 0; round < this.o.maxToolRounds; round++) {
        const { content, calls } = await this.llmRound(reply);
        if (calls.length === 0) return;
        this.history.push({ role: 'assistant', content, toolCalls: calls });
        for (const call of calls) {
          this.history.push({ role: 'tool', toolCallId: call.id, content: await this.runTool(reply, call) });
        }
        if (reply.endCall !== null) return this.sayGoodbyeIfSilent(reply);
      }
    } catch (error) {
      if (reply.abort.signal.aborted) return;
      this.onLlmError(reply, error);
    }
  }

  private async llmRound(reply: Reply): Promise<{ content: string; calls: LlmToolCall[] }> {
    const chunker = (reply.chunker = createChunker());
    const messages: LlmMessage[] = [{ role: 'system', content: this.o.systemPrompt }, ...this.history];
    const metadata: Record<string, string> = { channel: this.o.channel, conversationId: this.id };
    if (this.o.route !== undefined) metadata.route = this.o.route;
    reply.timing.llmStartMs ??= this.now();
    let content = '';
    const calls: LlmToolCall[] = [];
    for await (const event of this.deps.llm.stream({ messages, tools: VOICE_TOOLS, metadata }, reply.abort.signal)) {
      reply.timing.llmFirstMs ??= this.now();
      if (event.type === 'tool_call') calls.push(event.call);
      else {
        content += event.delta;
        chunker.push(event.delta).forEach((clause) => reply.speaker.say(clause));
      }
    }
    chunker.flush().forEach((clause) => reply.speaker.say(clause));
    return { content, calls };
  }

  private onLlmError(reply: Reply, error: unknown): void {
    if (!isLlmUnavailable(error)) {
      this.degrade('llm_error', error instanceof Error ? error.message : String(error));
      return reply.speaker.say(this.phrases.llmError);
    }
    this.degrade('llm_down');
    this.mode = 'scripted';
    reply.mode = 'scripted';
    this.dialogue = createMessageTakingDialogue(this.phrases.scripted);
    reply.speaker.say(this.dialogue.start());
  }

  private async runScripted(reply: Reply, text: string): Promise<void> {
    this.dialogue ??= createMessageTakingDialogue(this.phrases.scripted);
    const step = this.dialogue.answer(text);
    if (step.message !== undefined) {
      await this.storeMessage(step.message, 'scripted');
      reply.endCall = 'message_taken';
    }
    reply.speaker.say(step.say);
  }

  private sayGoodbyeIfSilent(reply: Reply): void {
    if (reply.speaker.clauses.length === 0) reply.speaker.say(this.phrases.goodbye);
  }

  private async runTool(reply: Reply, call: LlmToolCall): Promise<string> {
    const result = await this.toolResult(reply, call);
    reply.toolCalls.push({ name: call.name, arguments: call.arguments, result });
    this.emit('toolCall', { turn: reply.turn, name: call.name, arguments: call.arguments, result });
    return result;
  }

  private async toolResult(reply: Reply, call: LlmToolCall): Promise<string> {
    switch (call.name) {
      case TAKE_MESSAGE: {
        const draft = parseTakeMessage(call.arguments);
        if (draft === null) return 'error: caller_name, callback_number and reason are all required';
        await this.storeMessage(draft, 'llm');
        return 'stored';
      }
      case END_CALL:
        reply.endCall = 'completed';
        return 'ok: say nothing more, the call ends';
      case TRANSFER: {
        const target = typeof call.arguments.target === 'string' ? call.arguments.target : '';
        if (this.deps.transfer === undefined) return 'error: transfer is not available on this line';
        reply.speaker.say(this.phrases.transferring);
        if (!(await this.deps.transfer(target, reply.abort.signal))) return 'error: transfer failed';
        reply.endCall = 'transferred';
        return 'ok';
      }
      default:
        return `error: unknown tool ${call.name}`;
    }
  }

  private async storeMessage(draft: TakenMessageDraft, source: 'llm' | 'scripted'): Promise<void> {
    const message = {
      ...draft,
      id: (this.deps.newId ?? randomUUID)(),
      conversationId: this.id,
      channel: this.o.channel,
      source,
      createdAt: this.clock(),
      handledAt: null,
      handledBy: null,
    };
    await this.created;
    await this.deps.store.addMessage(message);
    this.messageTaken = true;
    this.emit('message', message);
    void this.deps.notifier.messageTaken(message).catch((e: unknown) => this.log('warn', e, 'voice: notify failed'));
  }

  private recordTurn(reply: Reply): void {
    const t = reply.timing;
    const s = reply.speaker;
    const metrics: TurnMetrics = {
      endOfSpeechDelayMs: diff(t.endpointWallMs, t.speechEndWallMs),
      sttFinalMs: diff(t.finalWallMs, t.endpointWallMs),
      llmTtftMs: diff(t.llmFirstMs, t.llmStartMs),
      ttsFirstAudioMs: diff(s.timings.ttsFirstChunkMs, s.timings.ttsStartMs),
      voiceToVoiceMs: diff(s.firstPlayedMs, t.speechEndWallMs),
    };
    this.emit('metrics', { turn: reply.turn, metrics });
    const outcome = reply.interrupted ? 'interrupted' : reply.failed ? 'failed' : 'completed';
    const write = this.created.then(() =>
      this.deps.store.addTurn({
        id: (this.deps.newId ?? randomUUID)(),
        conversationId: this.id,
        index: reply.turn,
        mode: reply.mode,
        userText: reply.userText,
        assistantText: (reply.interrupted ? s.spokenText : s.fullText) || null,
        startedAt: reply.startedAt,
        endedAt: this.clock(),
        outcome,
        toolCalls: reply.toolCalls,
        metrics,
      }),
    );
    this.writes.push(write.catch((error: unknown) => this.log('error', error, 'voice: cannot store the turn')));
  }

  private speakerContext(reply: Reply | null) {
    return {
      tts: this.deps.tts,
      output: this.output,
      voice: this.o.voice,
      language: this.o.language,
      now: this.now,
      onSpeechFailure: (error: unknown) => this.speechTrouble(error as SpeechUnavailableError),
      onSpeechOk: () => this.onSpeechOk(),
      onClause: (text: string) => this.emit('reply', { turn: reply?.turn ?? this.turnCount, text }),
      onFirstAudio: () => {
        if (reply !== null && this.reply === reply && !this.ending) this.setState('speaking');
      },
      onError: (error: unknown) => this.log('error', error, 'voice: TTS failed on a clause'),
    };
  }

  private async cached(text: string): Promise<AudioChunk[] | null> {
    const request = { text, voice: this.o.voice, language: this.o.language };
    return this.cache.get(request, this.o.outputSampleRateHz, this.abort.signal).catch(() => null);
  }

  // ------------------------------------------------------------ degradation

  private degrade(kind: Degradation['kind'], detail?: string): void {
    const entry: Degradation = { atMs: this.clock(), kind, ...(detail === undefined ? {} : { detail }) };
    this.degradations.push(entry);
    this.emit('degraded', entry);
    this.log('warn', null, `voice: degraded (${kind})`, { kind, detail });
  }

  private recoveryHost(): RecoveryHost {
    return {
      now: this.now,
      signal: this.abort.signal,
      health: this.deps.speechHealth,
      timeoutMs: this.o.speechRecoveryTimeoutMs,
      retryMs: this.o.speechRetryMs,
      down: async (stage) => {
        this.degrade('speech_down', stage);
        this.setState('recovering');
        const apology = await this.cached(this.phrases.apology);
        if (apology !== null) this.emit('reply', { turn: this.turnCount, text: this.phrases.apology });
        apology?.forEach((chunk) => this.output.push(chunk));
      },
      recovered: () => {
        this.degrade('speech_recovered');
        if (this.status === 'recovering') this.setState(this.reply !== null ? 'speaking' : 'listening');
      },
      lost: (stage) => {
        this.degrade('speech_lost', stage);
        void this.endCall('failed', this.phrases.speechLost);
      },
    };
  }

  private speechTrouble(error: SpeechUnavailableError): Promise<boolean> {
    return this.recovery.trouble(error);
  }

  private onSpeechOk(): void {
    this.recovery.ok();
  }

  private fail(error: unknown, message: string): void {
    this.log('error', error, message);
    void this.finish('failed');
  }

  private log(level: 'info' | 'warn' | 'error', error: unknown, msg: string, extra: Record<string, unknown> = {}) {
    const err = error instanceof Error ? { err: error } : {};
    this.deps.logger?.[level]({ conversationId: this.id, ...err, ...extra }, msg);
  }
}

/** Starts a voice conversation on `options.input`; read `session.output` for the secretary's audio. */
export function createVoiceSession(deps: VoiceSessionDeps, options: VoiceSessionOptions): VoiceSession {
  return new VoiceSessionImpl(deps, options);
}
