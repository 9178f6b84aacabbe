import type { HttpToolsPort, KnowledgePort, LlmToolCall, TakenMessageDraft } from './ports.js';
import type { Reply } from './reply.js';
import type { VoiceEvents, VoiceSessionDeps } from './session-types.js';
import { END_CALL, parseTakeMessage, SEARCH_KNOWLEDGE, TAKE_MESSAGE, TRANSFER } from './tools.js';

export interface ToolCallHost {
  events: VoiceEvents;
  storeMessage(draft: TakenMessageDraft, source: 'llm'): Promise<void>;
  /** Absent where the line cannot transfer (the tool says so). */
  transfer: VoiceSessionDeps['transfer'];
  /** Said before a transfer starts. */
  transferringPhrase: string;
  knowledge?: KnowledgePort | undefined;
  httpTools?: HttpToolsPort | undefined;
  /** The persona route of the call (undefined: the voice default). */
  route?: string | undefined;
}

type ToolReply = Pick<Reply, 'turn' | 'speaker' | 'abort' | 'toolCalls' | 'endCall'>;

/**
 * Runs one tool call of the LLM for `reply` and returns the result the LLM reads. The call is kept
 * on the turn and announced as a `toolCall` event. `end_call` and a successful `transfer` set how
 * the call ends once the reply has played.
 */
export async function runToolCall(host: ToolCallHost, reply: ToolReply, call: LlmToolCall): Promise<string> {
  const result = await toolResult(host, reply, call);
  reply.toolCalls.push({ name: call.name, arguments: call.arguments, result });
  host.events.emit('toolCall', { turn: reply.turn, name: call.name, arguments: call.arguments, result });
  return result;
}

async function toolResult(host: ToolCallHost, reply: ToolReply, call: LlmToolCall): Promise<string> {
  switch (call.name) {
    case TAKE_MESSAGE:
      return takeMessage(host, call.arguments);
    case END_CALL:
      reply.endCall = 'completed';
      return 'ok: say nothing more, the call ends';
    case TRANSFER:
      return transfer(host, reply, call.arguments);
    case SEARCH_KNOWLEDGE:
      return searchKnowledge(host, reply, call.arguments);
    default:
      return (
        (await host.httpTools?.run(call.name, call.arguments, host.route, reply.abort.signal)) ??
        `error: unknown tool ${call.name}`
      );
  }
}

async function takeMessage(host: ToolCallHost, args: Record<string, unknown>): Promise<string> {
  const draft = parseTakeMessage(args);
  if (draft === null) return 'error: caller_name, callback_number and reason are all required';
  await host.storeMessage(draft, 'llm');
  return 'stored';
}

async function transfer(host: ToolCallHost, reply: ToolReply, args: Record<string, unknown>): Promise<string> {
  const target = typeof args.target === 'string' ? args.target : '';
  if (host.transfer === undefined) return 'error: transfer is not available on this line';
  reply.speaker.say(host.transferringPhrase);
  if (!(await host.transfer(target, reply.abort.signal))) return 'error: transfer failed';
  reply.endCall = 'transferred';
  return 'ok';
}

/** The passages and their sources: kept on the turn as this call's result. */
async function searchKnowledge(host: ToolCallHost, reply: ToolReply, args: Record<string, unknown>): Promise<string> {
  if (!host.knowledge) return 'error: there are no business documents';
  const query = typeof args.query === 'string' ? args.query.trim() : '';
  if (query === '') return 'error: query is required';
  return host.knowledge.search(query, reply.abort.signal);
}
