import type { LlmToolSpec, TakenMessageDraft } from './ports.js';

export const TAKE_MESSAGE = 'take_message';
export const END_CALL = 'end_call';
export const TRANSFER = 'transfer';
export const SEARCH_KNOWLEDGE = 'search_knowledge';

/** Offered with the others while the knowledge base has enabled documents. */
export const KNOWLEDGE_TOOL: LlmToolSpec = {
  name: SEARCH_KNOWLEDGE,
  description:
    "Search the business's documents (prices, hours, delivery, returns, address). Call it before answering a " +
    'question about the business; answer only from what it returns.',
  parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
};

export const VOICE_TOOLS: LlmToolSpec[] = [
  {
    name: TAKE_MESSAGE,
    description: 'Store a message for the business: who called, why, and the number to call back.',
    parameters: {
      type: 'object',
      properties: {
        caller_name: { type: 'string' },
        callback_number: { type: 'string' },
        reason: { type: 'string' },
      },
      required: ['caller_name', 'callback_number', 'reason'],
    },
  },
  {
    name: END_CALL,
    description: 'End the call after saying goodbye.',
    parameters: { type: 'object', properties: { reason: { type: 'string' } } },
  },
  {
    name: TRANSFER,
    description: 'Transfer the caller to a person (where the channel supports it).',
    parameters: { type: 'object', properties: { target: { type: 'string' } } },
  },
];

/** The tools of one LLM round. */
export function voiceTools(knowledge: { available(): boolean } | undefined): LlmToolSpec[] {
  return knowledge?.available() ? [...VOICE_TOOLS, KNOWLEDGE_TOOL] : VOICE_TOOLS;
}

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

/** Validates take_message arguments; null when something required is missing. */
export function parseTakeMessage(args: Record<string, unknown>): TakenMessageDraft | null {
  const draft = {
    callerName: text(args.caller_name).slice(0, 200),
    callbackNumber: text(args.callback_number).slice(0, 64),
    reason: text(args.reason).slice(0, 2000),
  };
  return draft.callerName && draft.callbackNumber && draft.reason ? draft : null;
}
