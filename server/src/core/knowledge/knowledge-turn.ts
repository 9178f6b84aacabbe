import type { ChatResult, ChatStream } from '../llm/chat-stream.js';
import type { ChatRequest } from '../llm/router/types.js';
import type { LoopTool } from '../llm/tool-loop.js';
import type { ChatMessage, ToolCall } from '../llm/types.js';
import type { KnowledgeService } from './knowledge-service.js';
import type { KnowledgeHit } from './types.js';

export const SEARCH_KNOWLEDGE = 'search_knowledge';
export type KnowledgeMode = 'tool' | 'context' | 'off';

/** Where an answer's facts came from (recorded on the turn, returned by /v1 as `sources`). */
export interface KnowledgeSource {
  documentId: string;
  title: string;
  source: string;
  version: number;
  heading: string;
  passageId: string;
  score: number;
}

const CHARS_PER_TOKEN = 4;

export const toSource = (h: KnowledgeHit): KnowledgeSource => ({
  documentId: h.documentId,
  title: h.title,
  source: h.source,
  version: h.version,
  heading: h.heading,
  passageId: h.passageId,
  score: h.score,
});

/** The best hits that fit in `tokenBudget` (the first one always, cut if it alone is over). */
export function withinBudget(hits: KnowledgeHit[], tokenBudget: number): KnowledgeHit[] {
  let left = tokenBudget * CHARS_PER_TOKEN;
  const out: KnowledgeHit[] = [];
  for (const hit of hits) {
    const size = hit.heading.length + hit.body.length;
    if (out.length > 0 && size > left) break;
    out.push(size > left ? { ...hit, body: hit.body.slice(0, Math.max(0, left - hit.heading.length)) } : hit);
    left -= size;
  }
  return out;
}

/** Passages as the model reads them: one block per passage, with its source. */
export function passagesText(hits: KnowledgeHit[]): string {
  if (hits.length === 0) return 'No passage of the business documents matches; say you do not know.';
  return hits
    .map((h) => `[${h.title}${h.heading ? ` › ${h.heading}` : ''}] (source: ${h.source})\n${h.body}`)
    .join('\n\n');
}

/** `search_knowledge(query)`: the passages of the business's documents that answer a question. */
export function searchKnowledgeTool(deps: {
  knowledge: KnowledgeService;
  tokenBudget: number;
  onHits?: (hits: KnowledgeHit[]) => void;
}): LoopTool {
  return {
    definition: {
      type: 'function',
      function: {
        name: SEARCH_KNOWLEDGE,
        description:
          "Searches the business's own documents (prices, opening hours, delivery, returns, address, …). " +
          'Call it before answering any question about the business; answer only from what it returns.',
        parameters: {
          type: 'object',
          properties: { query: { type: 'string', description: 'The question, in the caller’s words' } },
          required: ['query'],
        },
      },
    },
    run: async (args) => {
      const query = typeof args.query === 'string' ? args.query : '';
      const hits = withinBudget(await deps.knowledge.search(query), deps.tokenBudget);
      deps.onHits?.(hits);
      return passagesText(hits);
    },
  };
}

export interface KnowledgeTurnDeps {
  knowledge: KnowledgeService;
  /** The mode for a persona route (KNOWLEDGE_MODE_BY_PERSONA, else KNOWLEDGE_MODE). */
  mode: (route: string) => KnowledgeMode;
  tokenBudget: number;
  /** Whether a route is a persona (only persona routes get the business's documents). */
  isPersona: (route: string) => boolean;
  /** More tools a persona route offers (the owner's HTTP tools for this persona on /v1). */
  extraTools?: (request: ChatRequest) => LoopTool[];
  /** Model answers that may call tools before the last one, which may not (default 4). */
  maxRounds?: number;
}

const lastUserText = (messages: ChatMessage[]) => {
  const last = [...messages].reverse().find((m) => m.role === 'user');
  return typeof last?.content === 'string' ? last.content : '';
};

type Chat = (r: ChatRequest) => Promise<ChatStream>;
type Collect = (s: ChatStream) => Promise<ChatResult>;

/** What a persona answer gets: passages in the context, the search tool, and the other tools. */
interface TurnPlan {
  context: boolean;
  search: boolean;
  extra: LoopTool[];
}

/**
 * One answer of a persona route with the knowledge base and the owner's tools: in `tool` mode the model may
 * call `search_knowledge`; in `context` mode the best passages for the last user message go into the system
 * instructions first; HTTP tools are offered in both. The model may call tools for a few rounds, then it answers.
 * Returns null when nothing applies (no enabled document and no tool, not a persona route, the client brought
 * its own tools), so the caller answers as before.
 */
export function createKnowledgeTurns(deps: KnowledgeTurnDeps) {
  const maxRounds = deps.maxRounds ?? 4;

  /** Whether the knowledge base applies to this request (the streamed path puts passages in the context). */
  async function applies(request: ChatRequest): Promise<boolean> {
    if (deps.mode(request.route) === 'off' || request.tools?.length || !deps.isPersona(request.route)) return false;
    return deps.knowledge.hasEnabled();
  }

  async function plan(request: ChatRequest): Promise<TurnPlan | null> {
    if (request.tools?.length || !deps.isPersona(request.route)) return null;
    const knowledge = await applies(request);
    const extra = deps.extraTools?.(request) ?? [];
    if (!knowledge && extra.length === 0) return null;
    const mode = deps.mode(request.route);
    return { context: knowledge && mode === 'context', search: knowledge && mode === 'tool', extra };
  }

  async function withContext(request: ChatRequest, sources: KnowledgeHit[]): Promise<ChatRequest> {
    const hits = withinBudget(await deps.knowledge.search(lastUserText(request.messages)), deps.tokenBudget);
    sources.push(...hits);
    const block = `Facts from the business's documents (answer only from these):\n\n${passagesText(hits)}`;
    return { ...request, instructions: request.instructions ? `${request.instructions}\n\n${block}` : block };
  }

  /** Asks, runs the calls the model makes, feeds the results back; the last round offers no tool choice. */
  async function withTools(chat: Chat, collect: Collect, request: ChatRequest, tools: LoopTool[]) {
    const definitions = tools.map((t) => t.definition);
    let messages = request.messages;
    for (let round = 0; ; round++) {
      const last = round >= maxRounds;
      const toolChoice = last ? ('none' as const) : ('auto' as const);
      const result = await collect(
        await chat({ ...request, messages, tools: definitions, toolChoice, ...(round > 0 ? { faq: false } : {}) }),
      );
      if (last || result.toolCalls.length === 0) return result;
      const results = await Promise.all(result.toolCalls.map((c) => runLoopCall(tools, c, request.signal)));
      const assistant: ChatMessage = { role: 'assistant', content: null, tool_calls: result.toolCalls };
      messages = [...messages, assistant, ...results];
    }
  }

  /** The answer and the sources it was given; null when neither the knowledge base nor a tool applies. */
  async function answer(
    chat: Chat,
    collect: Collect,
    request: ChatRequest,
  ): Promise<{ result: ChatResult; sources: KnowledgeSource[] } | null> {
    const planned = await plan(request);
    if (!planned) return null;
    const hits: KnowledgeHit[] = [];
    const asked = planned.context ? await withContext(request, hits) : request;
    const search = planned.search ? [searchKnowledgeTool({ ...deps, onHits: (found) => hits.push(...found) })] : [];
    const tools = [...search, ...planned.extra];
    const result = tools.length > 0 ? await withTools(chat, collect, asked, tools) : await collect(await chat(asked));
    return { result, sources: dedupe(hits).map(toSource) };
  }

  /** One streamed round: content deltas go to `onText` as they come (tool-call fragments do not). */
  async function streamRound(chat: Chat, request: ChatRequest, hooks: StreamHooks): Promise<ChatResult> {
    const stream = await chat(request);
    hooks.onRound(stream);
    for await (const delta of stream) if (delta.content) hooks.onText(delta.content);
    return stream.result;
  }

  /**
   * The streamed answer (`stream: true`): like `answer`, each round streamed; the text of every round reaches
   * `onText` at once, tool calls run between rounds. Null when nothing applies (the caller streams as before).
   */
  async function streamed(
    chat: Chat,
    request: ChatRequest,
    hooks: StreamHooks,
  ): Promise<{ result: ChatResult; sources: KnowledgeSource[] } | null> {
    const planned = await plan(request);
    if (!planned) return null;
    const hits: KnowledgeHit[] = [];
    const asked = planned.context ? await withContext(request, hits) : request;
    const search = planned.search ? [searchKnowledgeTool({ ...deps, onHits: (found) => hits.push(...found) })] : [];
    const tools = [...search, ...planned.extra];
    const definitions = tools.map((t) => t.definition);
    let messages = asked.messages;
    for (let round = 0; ; round++) {
      const last = round >= maxRounds || tools.length === 0;
      const offer =
        tools.length > 0 ? { tools: definitions, toolChoice: last ? ('none' as const) : ('auto' as const) } : {};
      const result = await streamRound(
        chat,
        { ...asked, messages, ...offer, ...(round > 0 ? { faq: false } : {}) },
        hooks,
      );
      if (last || result.toolCalls.length === 0) return { result, sources: dedupe(hits).map(toSource) };
      const results = await Promise.all(result.toolCalls.map((c) => runLoopCall(tools, c, request.signal)));
      messages = [...messages, { role: 'assistant', content: null, tool_calls: result.toolCalls }, ...results];
    }
  }

  return { answer, applies, withContext, streamed };
}

/** What a streamed answer tells its route: each round's stream as it starts, and the text as it comes. */
export interface StreamHooks {
  onRound(stream: ChatStream): void;
  onText(text: string): void;
}

/** One call: whatever happens (unknown tool, bad JSON, a throw), the model reads a tool message. */
async function runLoopCall(tools: LoopTool[], call: ToolCall, signal?: AbortSignal): Promise<ChatMessage> {
  const tool = tools.find((t) => t.definition.function.name === call.function.name);
  let content: string;
  try {
    const args = JSON.parse(call.function.arguments || '{}') as unknown;
    if (args === null || typeof args !== 'object' || Array.isArray(args))
      content = 'error: the arguments were not a JSON object';
    else if (!tool) content = `error: there is no tool named ${call.function.name}`;
    else content = await tool.run(args as Record<string, unknown>, signal ?? new AbortController().signal);
  } catch (error) {
    content = error instanceof SyntaxError ? 'error: the arguments were not valid JSON' : `error: ${String(error)}`;
  }
  return { role: 'tool', tool_call_id: call.id, content };
}

function dedupe(hits: KnowledgeHit[]): KnowledgeHit[] {
  const seen = new Set<string>();
  return hits.filter((h) => !seen.has(h.passageId) && Boolean(seen.add(h.passageId)));
}

export type KnowledgeTurns = ReturnType<typeof createKnowledgeTurns>;

/** The voice engine's view: `search_knowledge` offered in `tool` mode while an enabled document exists. */
export function knowledgeVoicePort(deps: {
  knowledge: KnowledgeService;
  mode: () => KnowledgeMode;
  tokenBudget: number;
}) {
  const tool = searchKnowledgeTool(deps);
  return {
    available: () => deps.mode() === 'tool' && deps.knowledge.anyEnabled(),
    search: (query: string, signal: AbortSignal) => tool.run({ query }, signal),
  };
}
