import {
  MarkMessageHandledCommand,
  SendSmsCommand,
  SetGreetingCommand,
  type OwnerCommand,
} from '@ai-secretary/protocol';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import type { MessagesService } from '../messages/messages-service.js';
import type { LoopTool } from '../llm/tool-loop.js';
import type { TakenMessage } from '../voice/ports.js';
import type { OwnerCommandService } from './owner-commands.js';
import type { OwnerActor, OwnerCommandRecord } from './types.js';

export const OWNER_TOOL_NAMES = ['list_messages', 'mark_message_handled', 'send_sms', 'set_greeting'] as const;

export interface OwnerToolsDeps {
  commands: OwnerCommandService;
  messages: Pick<MessagesService, 'list'>;
  /** The business time zone ("today"). */
  timezone: () => string;
  clock: () => number;
}

const WAITING =
  'Waiting for the owner: a confirmation with Confirm / Cancel buttons is shown under your answer. Tell the owner in one short sentence what will happen once they press Confirm; it has NOT been done yet.';

const fn = (name: string, description: string, properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'function' as const,
  function: { name, description, parameters: { type: 'object', properties, required } },
});

/** What is wrong with `value` for `schema`, in words the model can pass on; null when it is fine. */
export function problemsOf(schema: TSchema, value: unknown): string | null {
  const problems = [...Value.Errors(schema, value)].slice(0, 3).map((e) => {
    const field = e.instancePath.replace(/^\//, '') || 'arguments';
    if (field === 'to' && e.keyword === 'pattern') return 'to: not a phone number in E.164 form (e.g. +79990001122)';
    return `${field}: ${e.message}`;
  });
  return problems.length === 0 ? null : problems.join('; ');
}

const str = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

const dayIn = (timeZone: string, at: number) => new Date(at).toLocaleDateString('en-CA', { timeZone });

function describe(message: TakenMessage, timeZone: string) {
  return {
    id: message.id,
    from: message.callerName,
    callback: message.callbackNumber,
    reason: message.reason,
    channel: message.channel,
    at: new Date(message.createdAt).toLocaleString('en-GB', { timeZone }),
    handled: message.handledAt !== null,
  };
}

/**
 * The owner's tools for one turn. `list_messages` answers at once (read-only); the changing ones check their
 * arguments with the command's TypeBox schema (the model reads what is wrong), then store the command as
 * pending (pushed on `proposed`, shown with buttons after the reply): nothing changes before the owner confirms.
 */
export function ownerTools(deps: OwnerToolsDeps, actor: OwnerActor, proposed: OwnerCommandRecord[]): LoopTool[] {
  async function propose(schema: TSchema, command: Record<string, unknown>): Promise<string> {
    const problem = problemsOf(schema, command);
    if (problem) return `error: not proposed (${problem}). Tell the owner what is wrong.`;
    const record = await deps.commands.propose(actor, command as OwnerCommand);
    proposed.push(record);
    return WAITING;
  }

  async function unhandled(): Promise<TakenMessage[]> {
    return (await deps.messages.list({ handled: false, limit: 50, offset: 0 })).items;
  }

  async function listMessages(args: Record<string, unknown>): Promise<string> {
    const zone = deps.timezone();
    const today = dayIn(zone, deps.clock());
    const items =
      args.which === 'today'
        ? (await deps.messages.list({ limit: 50, offset: 0 })).items.filter((m) => dayIn(zone, m.createdAt) === today)
        : await unhandled();
    return JSON.stringify({ messages: items.map((m) => describe(m, zone)) });
  }

  async function markHandled(args: Record<string, unknown>): Promise<string> {
    const id = str(args.id);
    const from = str(args.from).toLowerCase();
    const open = await unhandled();
    const found = open.filter((m) => (id ? m.id === id : from !== '' && m.callerName.toLowerCase().includes(from)));
    if (found.length === 0) return 'error: no unhandled message matches; call list_messages to see them.';
    if (found.length > 1) return `error: ${found.length} messages match; ask the owner which one (give their ids).`;
    const message = found[0]!;
    return propose(MarkMessageHandledCommand, {
      kind: 'mark_message_handled',
      messageId: message.id,
      from: message.callerName.slice(0, 200),
    });
  }

  return [
    {
      definition: fn('list_messages', "Messages callers left: today's, or those not yet handled.", {
        which: { type: 'string', enum: ['today', 'unhandled'] },
      }),
      run: listMessages,
    },
    {
      definition: fn(
        'mark_message_handled',
        'Propose to mark a taken message as handled (the owner confirms), by its id or who it is from.',
        { id: { type: 'string' }, from: { type: 'string', description: 'the caller name' } },
      ),
      run: markHandled,
    },
    {
      definition: fn(
        'send_sms',
        'Propose to send an SMS through the business SIM card (the owner confirms).',
        {
          to: { type: 'string', description: 'the number in E.164, e.g. +79990001122' },
          text: { type: 'string', maxLength: 1530 },
        },
        ['to', 'text'],
      ),
      run: (args) => propose(SendSmsCommand, { kind: 'send_sms', to: str(args.to), text: str(args.text) }),
    },
    {
      definition: fn(
        'set_greeting',
        'Propose a new greeting the secretary says when it answers calls (the owner confirms).',
        { greeting: { type: 'string', maxLength: 1000 } },
        ['greeting'],
      ),
      run: (args) => propose(SetGreetingCommand, { kind: 'set_greeting', greeting: str(args.greeting) }),
    },
  ];
}
