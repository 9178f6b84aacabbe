import { LlmUnavailableError } from '../../errors.js';
import { createChunker, speakable } from './chunker.js';
import type { DialogueReply } from './message-taking.js';
import type { VoicePhrases } from './phrases.js';
import type {
  Degradation,
  FaqPort,
  HttpToolsPort,
  KnowledgePort,
  LlmMessage,
  LlmPort,
  LlmToolCall,
  TakenMessageDraft,
} from './ports.js';
import type { Reply } from './reply.js';
import { voiceTools } from './tools.js';

export interface ResponderHost {
  llm: LlmPort;
  faq?: FaqPort;
  knowledge?: KnowledgePort | undefined;
  httpTools?: HttpToolsPort | undefined;
  systemPrompt: string;
  /** Sent to the LLM port as metadata. */
  channel: string;
  conversationId: string;
  route?: string;
  maxToolRounds: number;
  phrases: VoicePhrases;
  /** Monotonic milliseconds (LLM latency). */
  now(): number;
  runTool(reply: Reply, call: LlmToolCall): Promise<string>;
  degrade(kind: Degradation['kind'], detail?: string): void;
  storeMessage(draft: TakenMessageDraft, source: 'scripted'): Promise<void>;
  /** The dialogue degraded mode runs: message taking, or (outgoing calls) the call-back offer. */
  scriptedDialogue(): ScriptedDialogue;
}

/** A fixed dialogue with the caller when no LLM can answer. */
export interface ScriptedDialogue {
  start(): string;
  answer(text: string): DialogueReply;
}

/**
 * What the secretary answers: the FAQ first, then the LLM with its tools, streamed clause by clause
 * into the reply's speaker. Keeps the conversation history. When every LLM provider is down the call
 * switches for good to the scripted message-taking dialogue.
 */
export class Responder {
  private readonly history: LlmMessage[] = [];
  private mode: 'llm' | 'scripted' = 'llm';
  private dialogue: ScriptedDialogue | null = null;

  constructor(private readonly host: ResponderHost) {}

  /** The LLM is down: replies come from the scripted dialogue. */
  get scripted(): boolean {
    return this.mode === 'scripted';
  }

  /** The caller said this (or, for an outgoing call, the cue the secretary opens with). */
  heard(text: string): void {
    this.history.push({ role: 'user', content: text });
  }

  /** Keeps what the reply actually said (only the played part when it was interrupted). */
  said(reply: Reply): void {
    const said = reply.interrupted ? reply.speaker.spokenText : reply.speaker.fullText;
    if (said !== '') this.history.push({ role: 'assistant', content: said });
  }

  /** `text` is what the caller said (checked against the FAQ first); null for the opening of an outgoing call. */
  async runLlm(reply: Reply, text: string | null): Promise<void> {
    const faq = text === null ? null : await this.host.faq?.match(text, reply.abort.signal);
    if (faq) return ((reply.mode = 'faq'), reply.speaker.say(speakable(faq)));
    try {
      for (let round = 0; round < this.host.maxToolRounds; round++) {
        const { content, calls } = await this.llmRound(reply);
        if (calls.length === 0) return;
        this.history.push({ role: 'assistant', content, toolCalls: calls });
        for (const call of calls) {
          this.history.push({ role: 'tool', toolCallId: call.id, content: await this.host.runTool(reply, call) });
        }
        if (reply.endCall !== null) return this.sayGoodbyeIfSilent(reply);
      }
    } catch (error) {
      if (reply.abort.signal.aborted) return;
      this.onLlmError(reply, error);
    }
  }

  async runScripted(reply: Reply, text: string): Promise<void> {
    this.dialogue ??= this.host.scriptedDialogue();
    const step = this.dialogue.answer(text);
    if (step.message !== undefined) {
      await this.host.storeMessage(step.message, 'scripted');
      reply.endCall = 'message_taken';
    }
    reply.speaker.say(step.say);
  }

  private async llmRound(reply: Reply): Promise<{ content: string; calls: LlmToolCall[] }> {
    const chunker = (reply.chunker = createChunker());
    const messages: LlmMessage[] = [{ role: 'system', content: this.host.systemPrompt }, ...this.history];
    reply.timing.llmStartMs ??= this.host.now();
    let content = '';
    const calls: LlmToolCall[] = [];
    const tools = [...voiceTools(this.host.knowledge), ...(this.host.httpTools?.specs(this.host.route) ?? [])];
    const request = { messages, tools, metadata: this.metadata() };
    for await (const event of this.host.llm.stream(request, reply.abort.signal)) {
      reply.timing.llmFirstMs ??= this.host.now();
      if (event.type === 'tool_call') calls.push(event.call);
      else {
        content += event.delta;
        chunker.push(event.delta).forEach((clause) => reply.speaker.say(clause));
      }
    }
    chunker.flush().forEach((clause) => reply.speaker.say(clause));
    return { content, calls };
  }

  private metadata(): Record<string, string> {
    const metadata: Record<string, string> = { channel: this.host.channel, conversationId: this.host.conversationId };
    if (this.host.route !== undefined) metadata.route = this.host.route;
    return metadata;
  }

  /** Every provider down: switch to the scripted dialogue; any other failure: apologise for this turn. */
  private onLlmError(reply: Reply, error: unknown): void {
    if (!(error instanceof LlmUnavailableError)) {
      this.host.degrade('llm_error', error instanceof Error ? error.message : String(error));
      return reply.speaker.say(this.host.phrases.llmError);
    }
    this.host.degrade('llm_down');
    this.mode = 'scripted';
    reply.mode = 'scripted';
    this.dialogue = this.host.scriptedDialogue();
    reply.speaker.say(this.dialogue.start());
  }

  private sayGoodbyeIfSilent(reply: Reply): void {
    if (reply.speaker.clauses.length === 0) reply.speaker.say(this.host.phrases.goodbye);
  }
}
