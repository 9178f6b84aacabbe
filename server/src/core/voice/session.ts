import { randomUUID } from 'node:crypto';
import type { SpeechUnavailableError } from '../../errors.js';
import type { AudioChunk } from './audio.js';
import { speakable } from './chunker.js';
import { DEFAULT_ENDPOINTING } from './endpointing.js';
import { createPhraseCache, OutputChannel, type PhraseCache } from './output.js';
import { createCallBackDialogue, createMessageTakingDialogue } from './message-taking.js';
import { phrasesFor } from './phrases.js';
import type { ConversationOutcome, TakenMessageDraft, TurnMode } from './ports.js';
import type { Reply, ReplyTiming } from './reply.js';
import { Responder, type ResponderHost } from './responder.js';
import {
  SESSION_DEFAULTS,
  TypedEmitter,
  type VoiceSession,
  type VoiceSessionDeps,
  type VoiceSessionEvents,
  type VoiceSessionOptions,
  type VoiceStatus,
} from './session-types.js';
import { CallTimers } from './call-timers.js';
import { CallerListener, type ListenerHost, type UserTurn } from './listener.js';
import { SpeechRecovery, type RecoveryHost } from './recovery.js';
import { Speaker } from './speaker.js';
import { runToolCall } from './tool-calls.js';
import { TurnRecorder } from './turn-recorder.js';
import { VoiceWatchdog, type SessionSnapshot, type Stall } from './watchdog.js';

export const DEFAULT_PROMPT =
  'You are a friendly phone secretary for a small business. This is a voice call: answer in one or two short ' +
  'sentences, no lists or markdown. If the caller wants to leave a message, collect their name, callback number ' +
  'and reason, then call take_message. When the caller says goodbye, say goodbye and call end_call.';

class VoiceSessionImpl extends TypedEmitter<VoiceSessionEvents> implements VoiceSession {
  readonly id: string;
  status: VoiceStatus = 'starting';
  readonly output: OutputChannel;
  readonly done: Promise<{ outcome: ConversationOutcome }>;
  private resolveDone!: (value: { outcome: ConversationOutcome }) => void;
  private readonly o: Required<
    Omit<
      VoiceSessionOptions,
      'signal' | 'caller' | 'language' | 'voice' | 'endpointing' | 'route' | 'opening' | 'outgoing'
    >
  > &
    Pick<VoiceSessionOptions, 'language' | 'voice' | 'route'>;
  private readonly cache: PhraseCache;
  private readonly now: () => number;
  private readonly abort = new AbortController();
  private readonly recorder: TurnRecorder;
  private readonly responder: Responder;
  private readonly timers: CallTimers;
  private readonly listener: CallerListener;
  private readonly recovery: SpeechRecovery;
  private reply: Reply | null = null;
  private turnChain: Promise<void> = Promise.resolve();
  private turnsPending = 0;
  private pendingResume: string[] | null = null;
  private ending = false;
  private ended = false;

  constructor(
    private readonly deps: VoiceSessionDeps,
    private readonly options: VoiceSessionOptions,
  ) {
    super();
    this.id = (deps.newId ?? randomUUID)();
    this.o = { ...SESSION_DEFAULTS, systemPrompt: DEFAULT_PROMPT, phrases: phrasesFor(options.language), ...options };
    this.now = deps.now ?? (() => performance.now());
    this.cache = deps.phraseCache ?? createPhraseCache(deps.tts);
    this.output = new OutputChannel(this.o.outputSampleRateHz);
    this.recorder = this.createRecorder();
    this.responder = new Responder(this.responderHost());
    this.timers = new CallTimers(this.o);
    this.listener = new CallerListener(this.listenerHost());
    this.recovery = new SpeechRecovery(this.recoveryHost());
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    options.signal?.addEventListener('abort', () => this.hangUp(), { once: true });
    new VoiceWatchdog(this.watchdogHost()).start();
    void this.start();
  }

  hangUp(): void {
    void this.finish('hung_up');
  }

  // ------------------------------------------------------------ lifecycle

  private async start(): Promise<void> {
    this.recorder.start();
    this.timers.startCall(() => void this.endCall('timeout', this.o.phrases.timeUp));
    const p = this.o.phrases;
    for (const text of [p.apology, p.speechLost, p.stillThere, p.goodbye, p.llmError]) void this.cached(text);
    void this.listener.run(this.options.input);
    if (this.options.opening !== undefined) return this.open(this.options.opening);
    const greeting = await this.cached(p.greeting);
    // The watchdog may have spoken (or given up) while the greeting was stuck.
    if (this.status === 'starting' && this.reply === null) this.prompt(p.greeting, greeting);
  }

  /** The secretary speaks first with the LLM's words (outgoing calls); the cue stays in the history. */
  private open(cue: string): void {
    this.responder.heard(cue);
    this.startReply('llm', null, (reply) => this.responder.runLlm(reply, null));
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
    if (this.status === 'listening') this.timers.armSilence(() => this.onSilence());
  }

  private async endCall(outcome: ConversationOutcome, phrase: string): Promise<void> {
    if (this.ending) return;
    this.ending = true;
    this.timers.clear();
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
    this.timers.clear();
    this.listener.current?.abort.abort();
    this.reply?.abort.abort();
    this.abort.abort();
    this.output.close();
    const final = this.recorder.finalOutcome(outcome);
    this.setState('ended');
    await this.recorder.close(final);
    this.emit('ended', { outcome: final });
    this.resolveDone({ outcome: final });
  }

  private onSilence(): void {
    if (this.status !== 'listening' || this.reply !== null || this.listener.current !== null) return;
    if (!this.timers.nextSilencePrompt()) return void this.endCall('no_response', this.o.phrases.goodbye);
    this.prompt(this.o.phrases.stillThere);
  }

  /** Says a fixed phrase (from the cache when it is there) outside the turn count. */
  private prompt(text: string, audio?: AudioChunk[] | null): void {
    if (this.ending) return;
    this.startReply('prompt', null, async (reply) => reply.speaker.say(text, audio ?? (await this.cached(text))));
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
        this.timers.stopSilence();
        if (!busy) this.setState('user_speaking');
      },
      bargeIn: (voicedMs) => this.bargeIn(voicedMs),
      turnEnded: (turn) => {
        this.turnsPending++;
        this.turnChain = this.turnChain
          .then(() => this.handleTurn(turn))
          .catch((error: unknown) => this.log('error', error, 'voice: caller turn failed'))
          .finally(() => this.turnsPending--);
      },
      noiseEnded: () => this.settle(),
      partial: (text) => this.recorder.transcript('partial', text),
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
    this.recorder.transcript('final', text);
    if (text === '') return this.onEmptyTurn();
    this.pendingResume = null;
    this.timers.heard();
    await this.cancelReply();
    const timing = { speechEndWallMs: turn.speechEndWallMs, endpointWallMs: turn.endpointWallMs, finalWallMs };
    if (this.responder.scripted) {
      return this.startReply('scripted', text, (r) => this.responder.runScripted(r, text), timing);
    }
    this.responder.heard(text);
    this.startReply('llm', text, (r) => this.responder.runLlm(r, text), timing);
  }

  /** Speech without words: after a barge-in, say the interrupted sentence again. */
  private onEmptyTurn(): void {
    const resume = this.pendingResume;
    this.pendingResume = null;
    if (resume === null || this.reply !== null) return this.settle();
    this.emit('resume', { turn: this.recorder.turns, text: resume.join(' ') });
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
    timing: ReplyTiming = {},
  ): void {
    const abort = new AbortController();
    const signal = AbortSignal.any([abort.signal, this.abort.signal]);
    const record = mode !== 'prompt';
    const reply: Reply = {
      ...this.recorder.beginTurn(record),
      mode,
      record,
      userText,
      abort,
      speaker: null as unknown as Speaker,
      chunker: null,
      interrupted: false,
      failed: false,
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
    if (reply.mode !== 'prompt') this.responder.said(reply);
    if (reply.record) this.recorder.recordTurn(reply);
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

  /** Abandons a stuck reply without waiting for it: it finishes (or not) on its own. */
  private dropReply(): void {
    const reply = this.reply;
    if (reply === null) return;
    this.reply = null;
    reply.interrupted = true;
    reply.abort.abort();
    this.output.clear();
  }

  private createRecorder(): TurnRecorder {
    return new TurnRecorder({
      store: this.deps.store,
      notifier: this.deps.notifier,
      events: this,
      log: (level, error, msg, extra) => this.log(level, error, msg, extra),
      conversationId: this.id,
      channel: this.o.channel,
      caller: this.options.caller ?? null,
      clock: this.deps.clock ?? Date.now,
      newId: this.deps.newId ?? randomUUID,
    });
  }

  private responderHost(): ResponderHost {
    const toolHost = {
      events: this,
      storeMessage: (draft: TakenMessageDraft, source: 'llm') => this.recorder.storeMessage(draft, source),
      transfer: this.deps.transfer,
      transferringPhrase: this.o.phrases.transferring,
      knowledge: this.deps.knowledge,
      httpTools: this.deps.httpTools,
      route: this.o.route,
    };
    return {
      llm: this.deps.llm,
      faq: this.deps.faq,
      knowledge: this.deps.knowledge,
      httpTools: this.deps.httpTools,
      systemPrompt: this.o.systemPrompt,
      channel: this.o.channel,
      conversationId: this.id,
      route: this.o.route,
      maxToolRounds: this.o.maxToolRounds,
      phrases: this.o.phrases,
      now: this.now,
      runTool: (reply, call) => runToolCall(toolHost, reply, call),
      degrade: (kind, detail) => this.recorder.degrade(kind, detail),
      storeMessage: (draft, source) => this.recorder.storeMessage(draft, source),
      scriptedDialogue: () => {
        const { outgoing } = this.options;
        const { phrases } = this.o;
        return outgoing
          ? createCallBackDialogue(phrases.callBack, phrases.scripted, outgoing)
          : createMessageTakingDialogue(phrases.scripted);
      },
    };
  }

  private speakerContext(reply: Reply | null) {
    return {
      tts: this.deps.tts,
      output: this.output,
      voice: this.o.voice,
      language: this.o.language,
      now: this.now,
      onSpeechFailure: (error: SpeechUnavailableError) => this.speechTrouble(error),
      onSpeechOk: () => this.onSpeechOk(),
      onClause: (text: string) => this.emit('reply', { turn: reply?.turn ?? this.recorder.turns, text }),
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

  private recoveryHost(): RecoveryHost {
    return {
      now: this.now,
      signal: this.abort.signal,
      health: this.deps.speechHealth,
      timeoutMs: this.o.speechRecoveryTimeoutMs,
      retryMs: this.o.speechRetryMs,
      down: async (stage) => {
        this.recorder.degrade('speech_down', stage);
        this.setState('recovering');
        const apology = await this.cached(this.o.phrases.apology);
        if (apology !== null) this.emit('reply', { turn: this.recorder.turns, text: this.o.phrases.apology });
        apology?.forEach((chunk) => this.output.push(chunk));
      },
      recovered: () => {
        this.recorder.degrade('speech_recovered');
        if (this.status !== 'recovering') return;
        // Through settle(), not a bare setState('listening'): the silence timer that fired (and was
        // ignored) during the outage must be armed again, or nothing would ever speak next.
        if (this.reply !== null) this.setState('speaking');
        else this.settle();
      },
      lost: (stage) => {
        this.recorder.degrade('speech_lost', stage);
        void this.endCall('failed', this.o.phrases.speechLost);
      },
    };
  }

  private watchdogHost() {
    return {
      session: this,
      watchdogMs: this.o.watchdogMs,
      maxInterventions: this.o.maxWatchdogInterventions,
      signal: this.abort.signal,
      snapshot: () => this.snapshot(),
      degrade: (stall: Stall) => this.recorder.degrade('watchdog', stall),
      unstick: (stall: Stall) => this.unstick(stall),
      giveUp: () => {
        this.dropReply();
        void this.endCall('failed', this.o.phrases.speechLost);
      },
      abandon: () => void this.finish('failed'),
    };
  }

  private snapshot(): SessionSnapshot {
    return {
      status: this.status,
      silenceArmed: this.timers.silenceArmed,
      replyInFlight: this.reply !== null,
      turnInProgress: this.listener.current !== null,
      turnsPending: this.turnsPending,
      recoveryWaiting: this.recovery.waiting,
      vadIdleMs: this.listener.vadIdleMs,
    };
  }

  /** The watchdog found the session stuck: the caller's words are answered, or the caller is asked again. */
  private unstick(stall: Stall): void {
    const p = this.o.phrases;
    if ((stall === 'vad' || stall === 'user_speaking') && this.listener.restart()) return;
    this.dropReply();
    if (stall === 'starting') return this.prompt(p.greeting);
    this.prompt(stall === 'listening' ? p.stillThere : p.llmError);
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
