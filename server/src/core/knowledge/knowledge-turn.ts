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
  mode: () => KnowledgeMode;
  tokenBudget: number;
  /** Whether a route is a persona (only persona routes get the business's documents). */
  isPersona: (route: string) => boolean;
}

const lastUserText = (messages: ChatMessage[]) => {
  const last = [...messages].reverse().find((m) => m.role === 'user');
  return typeof last?.content === 'string' ? last.content : '';
};

/**
 * One answer of a persona route with the knowledge base: in `tool` mode the model may call `search_knowledge`
 * (once round, then it answers); in `context` mode the best passages for the last user message go into the
 * system instructions first. Returns null when the knowledge base does not apply (off, no enabled document,
 * not a persona route), so the caller answers as before.
 */
export function createKnowledgeTurns(deps: KnowledgeTurnDeps) {
  async function applies(request: ChatRequest): Promise<boolean> {
    if (deps.mode() === 'off' || request.tools?.length || !deps.isPersona(request.route)) return false;
    return deps.knowledge.hasEnabled();
  }

  async function withContext(request: ChatRequest, sources: KnowledgeHit[]): Promise<ChatRequest> {
    const hits = withinBudget(await deps.knowledge.search(lastUserText(request.messages)), deps.tokenBudget);
    sources.push(...hits);
    const block = `Facts from the business's documents (answer only from these):\n\n${passagesText(hits)}`;
    return { ...request, instructions: request.instructions ? `${request.instructions}\n\n${block}` : block };
  }

  async function withTool(
    chat: (r: ChatRequest) => Promise<ChatStream>,
    collect: (s: ChatStream) => Promise<ChatResult>,
    request: ChatRequest,
    sources: KnowledgeHit[],
  ): Promise<ChatResult> {
    const tool = searchKnowledgeTool({ ...deps, onHits: (hits) => sources.push(...hits) });
    const first = await collect(await chat({ ...request, tools: [tool.definition], toolChoice: 'auto' }));
    const calls = first.toolCalls.filter((c) => c.function.name === SEARCH_KNOWLEDGE);
    if (calls.length === 0) return first;
    const results = await Promise.all(calls.map((c) => runSearch(tool, c, request.signal)));
    const assistant: ChatMessage = { role: 'assistant', content: null, tool_calls: calls };
    const messages = [...request.messages, assistant, ...results];
    return collect(await chat({ ...request, messages, tools: [tool.definition], toolChoice: 'none', faq: false }));
  }

  /** The answer and the sources it was given; null when the knowledge base does not apply. */
  async function answer(
    chat: (r: ChatRequest) => Promise<ChatStream>,
    collect: (s: ChatStream) => Promise<ChatResult>,
    request: ChatRequest,
  ): Promise<{ result: ChatResult; sources: KnowledgeSource[] } | null> {
    if (!(await applies(request))) return null;
    const hits: KnowledgeHit[] = [];
    const result =
      deps.mode() === 'context'
        ? await collect(await chat(await withContext(request, hits)))
        : await withTool(chat, collect, request, hits);
    return { result, sources: dedupe(hits).map(toSource) };
  }

  return { answer, applies, withContext };
}

async function runSearch(tool: LoopTool, call: ToolCall, signal?: AbortSignal): Promise<ChatMessage> {
  let content: string;
  try {
    const args = JSON.parse(call.function.arguments || '{}') as Record<string, unknown>;
    content = await tool.run(args, signal ?? new AbortController().signal);
  } catch {
    content = 'error: the arguments were not valid JSON';
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
