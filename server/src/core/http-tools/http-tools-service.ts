import type { CreateHttpToolRequest, UpdateHttpToolRequest } from '@ai-secretary/protocol';
import { ConflictError, HttpToolDefinitionError, NotFoundError } from '../../errors.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { runHttpTool, type CallContext, type CallResult } from './run.js';
import { argumentsCheck, compileArgumentsSchema, type ArgumentsCheck } from './schema.js';
import { checkUrlTemplate } from './request.js';
import type { HttpToolCallRecord, HttpToolChannel, HttpToolRecord, HttpToolStore, StoredHeader } from './types.js';

export interface HttpToolsServiceDeps {
  store: HttpToolStore;
  secrets: SecretBox;
  clock: () => number;
  newId: () => string;
  /** The fetch a tool's requests go through (the outbound guard, with the tool's private-network flag). */
  fetchFor(tool: HttpToolRecord): typeof fetch;
  /** Hears every call once it is logged (audit, pino); must not throw. */
  onCall?: (call: HttpToolCallRecord) => void | Promise<void>;
  onError?: (error: unknown, message: string) => void;
}

/** The built-in tools of the channels (voice, knowledge, owner commands): an HTTP tool may not shadow them. */
const RESERVED_NAMES = new Set([
  'search_knowledge',
  'current_time',
  'take_message',
  'end_call',
  'transfer',
  'list_messages',
  'mark_message_handled',
  'send_sms',
  'set_greeting',
]);

const DEFAULTS = { timeoutMs: 5_000, maxResponseBytes: 16_384 };
/** A stored schema that no longer compiles (it was checked when saved) refuses every call instead of failing the start. */
function checkOf(tool: HttpToolRecord): ArgumentsCheck {
  try {
    return argumentsCheck(compileArgumentsSchema(tool.parameters));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return () => `the tool's schema cannot be used (${reason}); tell the owner`;
  }
}

const headerContext = (toolId: string, name: string) => `http-tool:${toolId}:${name.toLowerCase()}`;

/** The owner's HTTP tools: definitions (checked when saved, secrets sealed), who may use them, and their calls. */
export function createHttpToolsService(deps: HttpToolsServiceDeps) {
  let cache: Array<{ tool: HttpToolRecord; check: ArgumentsCheck }> = [];
  const refresh = async () => {
    cache = (await deps.store.list()).map((tool) => ({ tool, check: checkOf(tool) }));
  };

  function sealHeaders(id: string, input: CreateHttpToolRequest['headers'], old: StoredHeader[]): StoredHeader[] {
    const names = new Set<string>();
    return (input ?? []).map((h) => {
      const key = h.name.toLowerCase();
      if (names.has(key)) throw new HttpToolDefinitionError(`header ${h.name} is given twice`, 'HEADER_DUPLICATE');
      names.add(key);
      if (h.value === undefined) return keptHeader(h.name, old);
      return h.secret
        ? { name: h.name, value: null, sealed: deps.secrets.encrypt(h.value, headerContext(id, h.name)) }
        : { name: h.name, value: h.value, sealed: null };
    });
  }

  function keptHeader(name: string, old: StoredHeader[]): StoredHeader {
    const kept = old.find((o) => o.name.toLowerCase() === name.toLowerCase());
    if (!kept) throw new HttpToolDefinitionError(`header ${name} needs a value`, 'HEADER_VALUE_MISSING');
    return { ...kept, name };
  }

  /** Every check a definition passes before it is stored. */
  function checked(tool: HttpToolRecord): HttpToolRecord {
    if (RESERVED_NAMES.has(tool.name.toLowerCase()))
      throw new HttpToolDefinitionError(`"${tool.name}" is the name of a built-in tool`, 'NAME_RESERVED');
    if (cache.some((c) => c.tool.id !== tool.id && c.tool.name.toLowerCase() === tool.name.toLowerCase()))
      throw new ConflictError(`A tool named "${tool.name}" already exists`);
    compileArgumentsSchema(tool.parameters);
    checkUrlTemplate(tool.urlTemplate, tool.parameters);
    if (tool.responsePath !== null && tool.responsePath.trim() === '') return { ...tool, responsePath: null };
    return tool;
  }

  async function saved(tool: HttpToolRecord): Promise<HttpToolRecord> {
    const record = checked(tool);
    await deps.store.save(record);
    await refresh();
    return record;
  }

  async function existing(id: string): Promise<HttpToolRecord> {
    const found = await deps.store.get(id);
    if (!found) throw new NotFoundError(`Tool ${id}`);
    return found;
  }

  async function create(input: CreateHttpToolRequest): Promise<HttpToolRecord> {
    const id = deps.newId();
    const now = deps.clock();
    return saved({
      id,
      name: input.name,
      description: input.description.trim(),
      parameters: input.parameters as Record<string, unknown>,
      method: input.method,
      urlTemplate: input.urlTemplate.trim(),
      headers: sealHeaders(id, input.headers, []),
      timeoutMs: input.timeoutMs ?? DEFAULTS.timeoutMs,
      maxResponseBytes: input.maxResponseBytes ?? DEFAULTS.maxResponseBytes,
      responsePath: input.responsePath ?? null,
      personas: input.personas ?? [],
      channels: input.channels ?? [],
      sideEffects: input.sideEffects ?? false,
      allowPrivateNetwork: input.allowPrivateNetwork ?? false,
      enabled: input.enabled ?? true,
      createdAt: now,
      updatedAt: now,
    });
  }

  async function update(id: string, patch: UpdateHttpToolRequest): Promise<HttpToolRecord> {
    const tool = await existing(id);
    const { headers, parameters, ...rest } = patch;
    return saved({
      ...tool,
      ...rest,
      ...(parameters !== undefined ? { parameters: parameters as Record<string, unknown> } : {}),
      ...(headers !== undefined ? { headers: sealHeaders(id, headers, tool.headers) } : {}),
      updatedAt: deps.clock(),
    });
  }

  async function remove(id: string): Promise<HttpToolRecord> {
    const tool = await existing(id);
    await deps.store.remove(id);
    await refresh();
    return tool;
  }

  /** The enabled tools a conversation on `channel` with persona `route` may use (read synchronously). */
  function offered(channel: HttpToolChannel, route: string | null): HttpToolRecord[] {
    const fits = (t: HttpToolRecord) =>
      t.enabled &&
      (t.channels.length === 0 || t.channels.includes(channel)) &&
      (t.personas.length === 0 || (route !== null && t.personas.includes(route)));
    return cache.filter((c) => fits(c.tool)).map((c) => c.tool);
  }

  /** Runs a tool for a model (or the admin's test); never throws: the result says what happened. */
  async function call(tool: HttpToolRecord, args: Record<string, unknown>, context: CallContext): Promise<CallResult> {
    const check =
      cache.find((c) => c.tool.id === tool.id && c.tool.updatedAt === tool.updatedAt)?.check ?? checkOf(tool);
    const result = await runHttpTool({
      tool,
      args,
      check,
      context,
      fetch: deps.fetchFor(tool),
      headers: openHeaders(tool),
    });
    await logCall(tool, args, context, result);
    return result;
  }

  function openHeaders(tool: HttpToolRecord): Record<string, string> {
    const out: Record<string, string> = {};
    for (const h of tool.headers)
      out[h.name] =
        h.sealed === null ? (h.value ?? '') : deps.secrets.decrypt(h.sealed, headerContext(tool.id, h.name));
    return out;
  }

  async function logCall(tool: HttpToolRecord, args: Record<string, unknown>, context: CallContext, r: CallResult) {
    const record: HttpToolCallRecord = {
      id: deps.newId(),
      toolId: tool.id,
      toolName: tool.name,
      channel: context.channel,
      route: context.route,
      arguments: JSON.stringify(args).slice(0, 2000),
      outcome: r.outcome,
      httpStatus: r.httpStatus,
      latencyMs: r.latencyMs,
      error: r.outcome === 'ok' ? null : r.result.slice(0, 1000),
      createdAt: deps.clock(),
    };
    try {
      await deps.store.addCall(record);
      await deps.onCall?.(record);
    } catch (error) {
      deps.onError?.(error, 'http tool call could not be logged');
    }
  }

  return {
    create,
    update,
    remove,
    get: existing,
    list: () => deps.store.list(),
    calls: (id: string, limit = 50) => deps.store.calls(id, limit),
    offered,
    call,
    /** The admin's "test this tool": the press is the confirmation a side-effecting tool needs. */
    test: async (id: string, args: Record<string, unknown>) =>
      call(await existing(id), args, { channel: 'admin', route: null, canConfirm: true }),
    refresh,
  };
}

export type HttpToolsService = ReturnType<typeof createHttpToolsService>;
