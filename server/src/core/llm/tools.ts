import { ConflictError, NotFoundError } from '../../errors.js';
import type { ToolCall, ToolDefinition } from './types.js';

export interface ToolContext {
  channel: string;
  instanceId: string | null;
  sessionKey: string | null;
  signal: AbortSignal;
}

export interface InternalTool {
  definition: ToolDefinition;
  /** Runs the tool; the string goes back to the model as the tool message. */
  run(args: Record<string, unknown>, context: ToolContext): Promise<string>;
}

/**
 * The one place where channel tools (`take_message`, `end_call`, …) are registered. Channels pick
 * the definitions they offer to the model and run the calls the router returns.
 */
export function createToolRegistry() {
  const tools = new Map<string, InternalTool>();

  function register(tool: InternalTool): void {
    const name = tool.definition.function.name;
    if (tools.has(name)) throw new ConflictError(`Tool "${name}" is already registered`);
    tools.set(name, tool);
  }

  function definitions(names?: string[]): ToolDefinition[] {
    const picked = names ? names.map((n) => tools.get(n)).filter((t) => t !== undefined) : [...tools.values()];
    return picked.map((t) => t.definition);
  }

  async function run(call: ToolCall, context: ToolContext): Promise<string> {
    const tool = tools.get(call.function.name);
    if (!tool) throw new NotFoundError(`Tool "${call.function.name}"`);
    let args: Record<string, unknown> = {};
    try {
      args = call.function.arguments ? (JSON.parse(call.function.arguments) as Record<string, unknown>) : {};
    } catch {
      return JSON.stringify({ error: 'arguments were not valid JSON' });
    }
    return tool.run(args, context);
  }

  return { register, definitions, run, has: (name: string) => tools.has(name) };
}

export type ToolRegistry = ReturnType<typeof createToolRegistry>;
